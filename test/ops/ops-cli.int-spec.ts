import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ALL_TOPICS, CloudEvent, CustomerRegistered, Topics } from '@mp/contracts';
import { createKafka, DeadLetterHeaders, headerText, kafkaSettingsFromEnv, physicalTopic, toKafkaMessage, upstreamEnvelope } from '@mp/messaging';
import { ServiceModule } from '@mp/platform';
import { jwtVerify } from 'jose';
import { RequestServiceModule } from '../../apps/request-service/src/request-service.module';
import { requestServiceOptions } from '../../apps/request-service/src/request-service.options';
import { isolateTestRun } from '../support/isolation';
import { RunningService, startService } from '../support/service-harness';
import { TopicProbe } from '../support/topic-probe';
import { ops, opsJson, OpsProcess } from './ops-process';

/** What the flaky test service handled, and how often it is still to fail per customer. */
const handled: string[] = [];
const failuresLeft = new Map<string, number>();

/** A consumer whose handler fails for a while for some customers: what a transient failure (a dependency down) looks like. */
@Controller()
class FlakyMessageController {
  @EventPattern('CustomerRegistered')
  onCustomer(@Payload() envelope: CloudEvent<CustomerRegistered>): void {
    const left = failuresLeft.get(envelope.data.customerId) ?? 0;
    if (left > 0) {
      failuresLeft.set(envelope.data.customerId, left - 1);
      throw new Error(`${envelope.data.customerId}: the address service is down`);
    }
    handled.push(envelope.data.customerId);
  }
}

@Module({ imports: [ServiceModule.forService('ops-flaky')], controllers: [FlakyMessageController] })
class FlakyModule {}

/**
 * The ops CLI (DESIGN §9) as a process against the real broker, with a real request-service
 * dead-lettering what it cannot read, and a flaky consumer for a failure that goes away.
 */
describe('the ops CLI', () => {
  const world = isolateTestRun('ops-cli');
  process.env.KAFKA_HANDLER_ATTEMPTS = '2';
  process.env.KAFKA_RETRY_BACKOFF_MS = '20';
  const probe = new TopicProbe();
  const files = mkdtempSync(join(tmpdir(), 'ops-cli-'));
  let request: RunningService;
  let flaky: RunningService;

  const customer = (customerId: string, extra: object = {}) => ({ customerId, name: `Customer ${customerId}`, country: 'DE', admins: ['admin-1'], ...extra });
  const file = (name: string, content: unknown) => {
    const path = join(files, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const deadLetterOf = (needle: string) => probe.seen.find((s) => s.topic === Topics.deadLetters && s.raw.includes(needle) && headerText(s.headers, DeadLetterHeaders.errorClass));

  beforeAll(async () => {
    await probe.start();
    [request, flaky] = await Promise.all([startService(RequestServiceModule, requestServiceOptions), startService(FlakyModule, { service: 'ops-flaky', portEnv: 'UNUSED', defaultPort: 0 })]);
  });

  afterAll(async () => {
    await Promise.all([request?.close(), flaky?.close()]);
    await probe.stop();
    await world.cleanup();
  });

  describe('topics', () => {
    it('lists every contract topic with its partitions and end offsets', async () => {
      const human = await ops(['topics']);
      expect(human.code).toBe(0);
      for (const topic of ALL_TOPICS) expect(human.stdout).toMatch(new RegExp(`${world.namespace}${topic}\\s+│\\s+3\\s+│`));
      const topics = await opsJson<Array<{ topic: string; exists: boolean; partitions: unknown[] }>>(['topics']);
      expect(topics.map((t) => [t.topic, t.exists, t.partitions.length])).toEqual(ALL_TOPICS.map((t) => [t, true, 3]));
    });
  });

  describe('publish', () => {
    it('sends a valid envelope, keyed and typed as the services send theirs', async () => {
      const envelope = upstreamEnvelope('crm', 'CustomerRegistered', customer(world.id('pub')));
      const result = await ops(['publish', 'customer-events', file('valid.json', envelope)]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(new RegExp(`^sent CustomerRegistered ${envelope.id} to mp.customer-events.v1 partition \\d offset \\d+\\n$`));
      const seen = await probe.waitFor('the published event', () => probe.seen.find((s) => s.envelope?.id === envelope.id));
      expect(seen).toMatchObject({ topic: Topics.customerEvents, key: (envelope.data as { customerId: string }).customerId, raw: JSON.stringify(envelope) });
      expect(headerText(seen.headers, 'content-type')).toBe('application/cloudevents+json; charset=utf-8');
    });

    it('fills in the envelope with --stamp', async () => {
      const id = world.id('stamped');
      const result = await ops(['publish', 'mp.customer-events.v1', file('stamp.json', { type: 'CustomerRegistered', data: customer(id) }), '--stamp', '--json']);
      expect(result.code).toBe(0);
      const [sent] = JSON.parse(result.stdout);
      const seen = await probe.waitFor('the stamped event', () => probe.events('CustomerRegistered', (e) => e.id === sent.id)[0]);
      expect(seen).toMatchObject({ specversion: '1.0', source: 'ops-cli', subject: id, datacontenttype: 'application/json' });
    });

    it('refuses a file that fails the checks, with every error, and sends nothing', async () => {
      const before = await opsJson<Array<{ topic: string; partitions: Array<{ end: number }> }>>(['topics']);
      const command = upstreamEnvelope('portal', 'RequestRelationship', { requestId: 'r-1', customerId: 'c-1', resellerId: 'p-1', services: [], requestedBy: { userId: 'u' }, delegatedAdmn: {} });
      const result = await ops(['publish', 'request-commands', file('invalid.json', command)]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trim().split('\n');
      expect(lines[0]).toBe('ops: refused: the message does not pass the checks of mp.request-commands.v1; nothing was sent');
      expect(lines[1]).toBe('  ValidationFailed: The data of RequestRelationship breaks its rules.');
      expect(lines.slice(2).join('\n')).toMatch(/data.services: .*services/);
      expect(lines.slice(2).join('\n')).toContain('data.delegatedAdmn: property delegatedAdmn should not exist');
      const after = await opsJson<typeof before>(['topics']);
      const ends = (topics: typeof before) => topics.find((t) => t.topic === Topics.requestCommands)!.partitions.map((p) => p.end);
      expect(ends(after)).toEqual(ends(before));
    });

    it.each([
      ['a message of another topic', () => file('wrong-topic.json', upstreamEnvelope('crm', 'CustomerRegistered', customer('c-2'))), 'ops: refused: the message does not pass the checks of mp.request-commands.v1; nothing was sent\n  WrongTopic: CustomerRegistered belongs on mp.customer-events.v1, not here.'],
      ['a file that is not JSON', () => file('broken.json', '{"type":'), /^ops: .*broken\.json is not JSON: /],
      ['a file that is not there', () => join(files, 'missing.json'), /^ops: cannot read .*missing\.json: no such file$/],
    ])('refuses %s with one clear line', async (_what, path, message) => {
      const result = await ops(['publish', 'request-commands', path()]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toMatch(message);
    });
  });

  describe('tail', () => {
    it('--from-beginning --type --customer --json shows exactly the messages of that customer of that type', async () => {
      const mine = world.id('tail');
      const sent = [await probe.publish('CustomerRegistered', customer(mine)), await probe.publish('CustomerRegistered', customer(mine, { name: 'Renamed' }))];
      await probe.publish('CustomerAdminAdded', { customerId: mine, userId: 'admin-2' });
      await probe.publish('CustomerRegistered', customer(world.id('other')));
      await probe.waitFor('the last event', () => probe.events('CustomerRegistered').length >= 4);

      const result = await ops(['tail', 'customer-events', '--from-beginning', '--type', 'CustomerRegistered', '--customer', mine, '--json']);
      expect(result.code).toBe(0);
      const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
      expect(lines.map((l) => l.id).sort()).toEqual(sent.map((e) => e.id).sort());
      expect(lines[0]).toMatchObject({ topic: Topics.customerEvents, type: 'CustomerRegistered', customerId: mine, key: mine, envelope: { data: { customerId: mine } } });
      expect(result.stderr).toContain('2 messages');

      const human = await ops(['tail', 'mp.customer-events.v1', '--from-beginning', '--customer', mine]);
      expect(human.code).toBe(0);
      const rows = human.stdout.trim().split('\n');
      expect(rows).toHaveLength(3);
      expect(rows[2]).toMatch(new RegExp(`^\\S+ \\d@\\d+ CustomerAdminAdded ${mine} \\{"customerId":"${mine}","userId":"admin-2"\\}$`));
    });

    it('follows new messages from the end until --max', async () => {
      const later = world.id('follow');
      const tail = new OpsProcess(['tail', 'customer-events', '--customer', later, '--max', '1', '--timeout', '60', '--json']);
      await tail.saysOnStderr(/following mp.customer-events.v1 from its end/);
      const sent = await probe.publish('CustomerRegistered', customer(later));
      const result = await tail.done;
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout.trim())).toMatchObject({ id: sent.id, customerId: later });
    });

    it.each([
      [['tail', 'orders'], /^ops: unknown topic "orders"; the topics are mp.partner-events.v1, /],
      [['tail', 'request-events', '--type', 'CustomerRegistered'], /^ops: CustomerRegistered is not a type of mp.request-events.v1 \(it is on mp.customer-events.v1\); its types are RelationshipRequested, /],
      [['tail', 'request-events', '--max', 'many'], /^error: option '--max <n>' argument 'many' is invalid. it must be a whole number of at least 1./],
      [['tail'], /^error: missing required argument 'topic'/],
    ])('%j exits 1 saying why', async (args, message) => {
      const result = await ops(args);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
    });
  });

  describe('dead letters', () => {
    const poisonCustomer = 'poison-customer';
    let poisonId: string;
    let poison: CloudEvent;
    const settings = kafkaSettingsFromEnv('ops-test');
    const producer = createKafka(settings).producer({ allowAutoTopicCreation: false });

    afterAll(() => producer.disconnect());

    beforeAll(async () => {
      await producer.connect();
      // An invalid command (no services) to the running request-service, with headers of its own: it dead-letters it.
      poison = upstreamEnvelope('portal', 'RequestRelationship', { requestId: world.id('req'), customerId: poisonCustomer, resellerId: 'p-1', services: [], requestedBy: { userId: 'u' } });
      const message = toKafkaMessage(poison);
      await producer.send({ topic: physicalTopic(settings, Topics.requestCommands), messages: [{ ...message, headers: { ...message.headers, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } }] });
      await probe.waitFor('the dead letter of the invalid command', () => deadLetterOf(poison.id));
      const { deadLetters } = await opsJson<{ deadLetters: Array<{ id: string; messageId?: string }> }>(['dlq', 'list']);
      poisonId = deadLetters.find((d) => d.messageId === poison.id)!.id;
    });

    it('dlq list finds it, with its provenance and failure', async () => {
      const { summary, deadLetters } = await opsJson(['dlq', 'list', '--customer', poisonCustomer]);
      expect(deadLetters).toHaveLength(1);
      expect(deadLetters[0]).toMatchObject({
        id: poisonId,
        key: poisonCustomer,
        origin: { topic: Topics.requestCommands, group: `${world.namespace}request-service` },
        errorClass: 'ValidationFailed',
        type: 'RequestRelationship',
        customerId: poisonCustomer,
        replays: [],
      });
      expect(deadLetters[0].validationErrors.map((e: { path: string }) => e.path)).toEqual(['data.services']);
      expect(summary).toMatchObject({ total: 1, notReplayed: 1, byErrorClass: { ValidationFailed: 1 } });

      const human = await ops(['dlq', 'list']);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(new RegExp(`${poisonId}.*mp.request-commands.v1 \\d@\\d+.*ValidationFailed.*RequestRelationship.*${poisonCustomer}.*no`));
    });

    it('dlq show tells everything about it, its original as it was sent', async () => {
      const human = await ops(['dlq', 'show', poisonId]);
      expect(human.code).toBe(0);
      expect(human.stdout).toContain('ValidationFailed: The data of RequestRelationship breaks its rules.');
      expect(human.stdout).toMatch(/data\.services: /);
      expect(human.stdout).toContain(`"customerId": "${poisonCustomer}"`);
      const detail = await opsJson(['dlq', 'show', poisonId]);
      expect(detail.original).toMatchObject({ value: JSON.stringify(poison), encoding: 'utf8' });
    });

    it.each([
      [['dlq', 'show', '0-99999'], /^ops: no dead letter 0-99999: partition 0 holds offsets /],
      [['dlq', 'show', 'latest'], /^ops: "latest" is not a dead-letter id: it is <partition>-<offset> on the dead-letters topic, e.g. 2-17/],
      [['dlq', 'replay'], /^ops: name the dead letters to replay \(--id\) or --all/],
      [['dlq', 'replay', '--id', '7-0'], /^ops: no dead letter 7-0: the dead-letters topic has partitions 0 to 2/],
    ])('%j exits 1 saying why', async (args, message) => {
      const result = await ops(args);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
    });

    it('dlq replay refuses a message that would fail again, and puts it back with --force, with the replay headers and an audit trail', async () => {
      const refused = await ops(['dlq', 'replay', '--id', poisonId]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain(`refused ${poisonId}: it would fail again: ValidationFailed: The data of RequestRelationship breaks its rules. (--force replays it anyway)`);
      expect((await opsJson(['dlq', 'show', poisonId])).replays).toEqual([]);

      const forced = await ops(['dlq', 'replay', '--id', poisonId, '--force']);
      expect(forced.code).toBe(0);
      expect(forced.stdout).toMatch(new RegExp(`^replayed ${poisonId} → mp.request-commands.v1 partition \\d offset \\d+ \\(replay 1, forced past its checks; audit record \\d-\\d+\\)\\n1 replayed, 0 refused, 0 skipped\\n$`));

      const [partition, offset] = poisonId.split('-');
      const replayed = await probe.waitFor('the replayed command', () => probe.seen.find((s) => s.topic === Topics.requestCommands && headerText(s.headers, 'mp-replayed-from')));
      expect(replayed.raw).toBe(JSON.stringify(poison));
      expect(replayed.key).toBe(poisonCustomer);
      expect(headerText(replayed.headers, 'mp-replayed-from')).toBe(`${world.namespace}${Topics.deadLetters}/${partition}/${offset}`);
      expect(headerText(replayed.headers, 'mp-replay-count')).toBe('1');
      expect(Date.parse(headerText(replayed.headers, 'mp-replayed-at')!)).not.toBeNaN();
      // Its own headers as they were, none of the dead letter's, and the replay's.
      expect(Object.keys(replayed.headers).sort()).toEqual(['content-type', 'mp-replay-count', 'mp-replayed-at', 'mp-replayed-from', 'traceparent']);
      expect(headerText(replayed.headers, 'traceparent')).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
      expect(headerText(replayed.headers, 'content-type')).toBe('application/cloudevents+json; charset=utf-8');

      // Still invalid: the request-service dead-letters it again, and the new letter tells it was a replay.
      await probe.waitFor('the second dead letter', () => probe.seen.filter((s) => s.topic === Topics.deadLetters && s.raw === JSON.stringify(poison)).length === 2);
      const { deadLetters } = await opsJson(['dlq', 'list', '--customer', poisonCustomer]);
      expect(deadLetters).toHaveLength(2);
      expect(deadLetters[0]).toMatchObject({ id: poisonId, replays: [{ forced: true, to: { topic: Topics.requestCommands }, by: expect.stringContaining('@') }] });
      expect(deadLetters[1]).toMatchObject({ errorClass: 'ValidationFailed', replayOf: { from: `${world.namespace}${Topics.deadLetters}/${partition}/${offset}`, count: 1 }, replays: [] });

      const human = await ops(['dlq', 'list', '--customer', poisonCustomer]);
      expect(human.stdout).toMatch(new RegExp(`${poisonId} .*1× → \\d@\\d+ \\(forced\\)`));
      expect(human.stdout).toContain('(was replay 1)');

      const again = await ops(['dlq', 'replay', '--id', poisonId, '--force']);
      expect(again.code).toBe(1);
      expect(again.stdout).toContain(`skipped ${poisonId}: already replayed 1×`);
    });

    it('dlq replay puts back a message whose failure has gone away, and the service handles it', async () => {
      const flakyCustomer = world.id('flaky');
      failuresLeft.set(flakyCustomer, 2);
      const sent = await probe.publish('CustomerRegistered', customer(flakyCustomer));
      await probe.waitFor('the dead letter of the failing handler', () => deadLetterOf(sent.id));
      const { deadLetters } = await opsJson(['dlq', 'list', '--class', 'HandlerFailed']);
      const letter = deadLetters.find((d: { messageId: string }) => d.messageId === sent.id);
      expect(letter).toMatchObject({ errorMessage: `${flakyCustomer}: the address service is down`, attempts: 2, origin: { topic: Topics.customerEvents, group: `${world.namespace}ops-flaky` } });
      expect(handled).not.toContain(flakyCustomer);

      const dry = await ops(['dlq', 'replay', '--all', '--class', 'HandlerFailed', '--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain(`would replay ${letter.id} → mp.customer-events.v1 partition ${letter.origin.partition} (replay 1)`);

      // The dependency is back: the replay is handled.
      const result = await ops(['dlq', 'replay', '--id', letter.id]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^replayed ${letter.id} → mp.customer-events.v1 partition ${letter.origin.partition} offset \\d+ \\(replay 1; audit record`));
      await probe.waitFor('the replayed registration handled', () => handled.includes(flakyCustomer));
      expect(handled.filter((c) => c === flakyCustomer)).toHaveLength(1);
    });
  });

  describe('lag', () => {
    it("shows each service group's partitions with committed offset, end offset and lag", async () => {
      const groups = await opsJson<any[]>(['lag']);
      expect(groups.map((g) => g.group)).toEqual(['request-service', 'consent-service', 'notification-service', 'directory-service']);
      const requestGroup = groups[0];
      expect(requestGroup).toMatchObject({ groupId: `${world.namespace}request-service`, state: 'Stable', members: 1 });
      const commands = requestGroup.partitions.filter((p: { topic: string }) => p.topic === Topics.requestCommands);
      expect(commands.map((p: { partition: number }) => p.partition)).toEqual([0, 1, 2]);
      for (const p of commands) expect(p.lag).toBe(p.end - (p.committed ?? 0));
      expect(groups[1]).toMatchObject({ group: 'consent-service', state: 'Dead', members: 0, partitions: [] });

      const human = await ops(['lag', '--group', 'request-service', 'ops-flaky', '--all-partitions']);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/request-service\s+│\s+Stable, 1 member\s+│\s+mp\.customer-events\.v1\s+│\s+0 │/);
      expect(human.stdout).toMatch(/^lag: request-service \d+, ops-flaky \d+$/m);
    });
  });

  describe('token', () => {
    const secret = 'a-local-secret-of-at-least-32-characters!';

    it('mints an HS256 JWT with the claims of DESIGN §10 that verifies with the secret', async () => {
      const env = { AUTH_JWT_SECRET: secret, AUTH_ISSUER: 'multipartner-test', AUTH_AUDIENCE: 'directory' };
      const result = await ops(['token', '--role', 'customer-admin', '--customer', 'cust-1', '--sub', 'admin-1', '--expires-in', '10m'], env);
      expect(result.code).toBe(0);
      const { payload, protectedHeader } = await jwtVerify(result.stdout.trim(), new TextEncoder().encode(secret), { issuer: 'multipartner-test', audience: 'directory' });
      expect(protectedHeader.alg).toBe('HS256');
      expect(payload).toMatchObject({ sub: 'admin-1', role: 'customer-admin', customerId: 'cust-1' });
      expect(payload.partnerId).toBeUndefined();
      expect(payload.exp! - payload.iat!).toBe(600);

      const reseller = await opsJson(['token', '--role', 'reseller', '--partner', 'p-1'], env);
      expect((await jwtVerify(reseller.token, new TextEncoder().encode(secret))).payload).toMatchObject({ role: 'reseller', partnerId: 'p-1', sub: 'p-1-user' });
    });

    it.each([
      [['token', '--role', 'ops'], {}, 'ops: AUTH_JWT_SECRET is not set'],
      [['token', '--role', 'ops'], { AUTH_JWT_SECRET: 'short' }, 'ops: configuration: AUTH_JWT_SECRET must be at least 32 characters, without spaces'],
      [['token', '--role', 'reseller'], { AUTH_JWT_SECRET: secret }, 'ops: a reseller token names its partner: --partner <partnerId>'],
      [['token', '--role', 'ops', '--customer', 'c'], { AUTH_JWT_SECRET: secret }, 'ops: --customer is for a customer-admin token, not ops'],
      [['token', '--role', 'boss'], { AUTH_JWT_SECRET: secret }, "error: option '--role <role>' argument 'boss' is invalid. Allowed choices are ops, customer-admin, reseller."],
      [['token'], { AUTH_JWT_SECRET: secret }, "error: required option '--role <role>' not specified"],
    ])('%j with %j exits 1 saying why', async (args, env, message) => {
      const result = await ops(args, { AUTH_JWT_SECRET: '', ...env });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(message);
    });
  });

  describe('bad input and failures', () => {
    it('an unknown command exits 1', async () => {
      const result = await ops(['frobnicate']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("error: unknown command 'frobnicate'");
    });

    it('a broker that does not answer is said in one line, exit 1', async () => {
      const result = await ops(['topics'], { KAFKA_BROKERS: '127.0.0.1:1' });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toMatch(/^ops: cannot reach Kafka at 127\.0\.0\.1:1 \(KAFKA_BROKERS\): /);
    });

    it('a bad variable is said as the services say it', async () => {
      const result = await ops(['lag'], { KAFKA_BROKERS: 'nowhere' });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe('ops: configuration: KAFKA_BROKERS must be a comma list of host:port, e.g. 127.0.0.1:9092, got "nowhere"');
    });
  });
});
