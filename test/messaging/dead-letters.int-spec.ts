import { Controller, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CloudEvent, CustomerRegistered, Topics } from '@mp/contracts';
import { DeadLetterHeaders, headerText } from '@mp/messaging';
import { ServiceModule } from '@mp/platform';
import { isolateTestRun } from '../support/isolation';
import { RunningService, startService } from '../support/service-harness';
import { TopicProbe } from '../support/topic-probe';

/** What the handlers of the test service saw, in order. */
const handled: string[] = [];
const failuresLeft = new Map<string, number>();

@Controller()
class RecordingMessageController {
  @EventPattern('CustomerRegistered')
  onCustomer(@Payload() envelope: CloudEvent<CustomerRegistered>): void {
    const left = failuresLeft.get(envelope.data.customerId) ?? 0;
    if (left > 0) {
      failuresLeft.set(envelope.data.customerId, left - 1);
      throw new Error(`refusing ${envelope.data.customerId} for now`);
    }
    handled.push(envelope.data.customerId);
  }

  @EventPattern('RequestRelationship')
  onRequest(@Payload() envelope: CloudEvent): void {
    handled.push(`request:${(envelope.data as { requestId: string }).requestId}`);
  }
}

@Module({ imports: [ServiceModule.forService('messaging-test')], controllers: [RecordingMessageController] })
class MessagingTestModule {}

describe('the Kafka transport against a real broker', () => {
  const world = isolateTestRun('messaging');
  process.env.KAFKA_HANDLER_ATTEMPTS = '3';
  process.env.KAFKA_RETRY_BACKOFF_MS = '20';
  let service: RunningService;
  const probe = new TopicProbe();

  const customer = (customerId: string) => ({ customerId, name: 'Contoso', country: 'DE', admins: ['admin-1'] });
  const deadLetters = () => probe.seen.filter((s) => s.topic === Topics.deadLetters);
  const deadLetterWith = (needle: string) => deadLetters().find((d) => d.raw.includes(needle));

  beforeAll(async () => {
    await probe.start();
    service = await startService(MessagingTestModule, { service: 'messaging-test', portEnv: 'UNUSED', defaultPort: 0 });
  });

  afterAll(async () => {
    await service?.close();
    await probe.stop();
    await world.cleanup();
  });

  async function expectHandledAfterwards(customerId: string) {
    await probe.publish('CustomerRegistered', customer(customerId));
    await probe.waitFor(`${customerId} handled`, () => handled.includes(customerId));
  }

  it('dead-letters a value that is not JSON, with its reason, and handles the next message', async () => {
    await probe.sendRaw(Topics.customerEvents, '{not json', 'k-1');
    const letter = await probe.waitFor('dead letter', () => deadLetterWith('{not json'));
    expect(letter.raw).toBe('{not json');
    expect(letter.key).toBe('k-1');
    expect(headerText(letter.headers, DeadLetterHeaders.errorClass)).toBe('NotJson');
    expect(headerText(letter.headers, DeadLetterHeaders.originTopic)).toBe(`${world.namespace}${Topics.customerEvents}`);
    expect(headerText(letter.headers, DeadLetterHeaders.consumerGroup)).toBe(`${world.namespace}messaging-test`);
    expect(headerText(letter.headers, DeadLetterHeaders.originOffset)).toMatch(/^\d+$/);
    expect(headerText(letter.headers, DeadLetterHeaders.attempts)).toBe('1');
    await expectHandledAfterwards('after-not-json');
  });

  it('dead-letters valid JSON that is not a CloudEvent', async () => {
    await probe.sendRaw(Topics.customerEvents, JSON.stringify({ hello: 'world' }));
    const letter = await probe.waitFor('dead letter', () => deadLetterWith('"hello"'));
    expect(headerText(letter.headers, DeadLetterHeaders.errorClass)).toBe('NotCloudEvent');
    const errors = JSON.parse(headerText(letter.headers, DeadLetterHeaders.validationErrors)!) as Array<{ path: string }>;
    expect(errors.map((e) => e.path)).toEqual(expect.arrayContaining(['specversion', 'id', 'type', 'source', 'time']));
    await expectHandledAfterwards('after-not-cloudevent');
  });

  it('dead-letters an unknown type', async () => {
    const envelope = { specversion: '1.0', id: world.id('evt'), type: 'CustomerTeleported', source: 'x', time: new Date().toISOString(), data: {} };
    await probe.sendRaw(Topics.customerEvents, JSON.stringify(envelope));
    const letter = await probe.waitFor('dead letter', () => deadLetterWith('CustomerTeleported'));
    expect(headerText(letter.headers, DeadLetterHeaders.errorClass)).toBe('UnknownType');
    await expectHandledAfterwards('after-unknown-type');
  });

  it('dead-letters data that breaks its rules, naming each broken field', async () => {
    await probe.publish('CustomerRegistered', { customerId: 'bad-1', name: '', country: 'Germany', admins: 'nobody' });
    const letter = await probe.waitFor('dead letter', () => deadLetterWith('bad-1'));
    expect(headerText(letter.headers, DeadLetterHeaders.errorClass)).toBe('ValidationFailed');
    const errors = JSON.parse(headerText(letter.headers, DeadLetterHeaders.validationErrors)!) as Array<{ path: string }>;
    expect(errors.map((e) => e.path).sort()).toEqual(['data.admins', 'data.country', 'data.name']);
    await expectHandledAfterwards('after-invalid');
  });

  it('refuses unknown fields in a command (strict), so a typo never passes silently', async () => {
    const command = { requestId: 'typo-1', customerId: 'c', resellerId: 'r', services: ['Azure'], requestedBy: { userId: 'u' }, delegatedAdmn: {} };
    await probe.publish('RequestRelationship', command);
    const letter = await probe.waitFor('dead letter', () => deadLetterWith('typo-1'));
    expect(headerText(letter.headers, DeadLetterHeaders.validationErrors)).toContain('delegatedAdmn');
    expect(handled).not.toContain('request:typo-1');
  });

  it('retries a failing handler, then succeeds without a dead letter', async () => {
    failuresLeft.set('flaky-1', 2);
    await expectHandledAfterwards('flaky-1');
    expect(deadLetterWith('flaky-1')).toBeUndefined();
  });

  it('dead-letters a message whose handler keeps failing, with attempts and failure times, and goes on', async () => {
    failuresLeft.set('broken-1', 99);
    await probe.publish('CustomerRegistered', customer('broken-1'));
    const letter = await probe.waitFor('dead letter', () => deadLetterWith('broken-1'));
    expect(headerText(letter.headers, DeadLetterHeaders.errorClass)).toBe('HandlerFailed');
    expect(headerText(letter.headers, DeadLetterHeaders.errorMessage)).toBe('refusing broken-1 for now');
    expect(headerText(letter.headers, DeadLetterHeaders.attempts)).toBe('3');
    const first = Date.parse(headerText(letter.headers, DeadLetterHeaders.firstFailureAt)!);
    const last = Date.parse(headerText(letter.headers, DeadLetterHeaders.lastFailureAt)!);
    expect(last).toBeGreaterThanOrEqual(first);
    await expectHandledAfterwards('after-broken');
    expect(handled).not.toContain('broken-1');
  });

  it('commits offsets only for handled messages: a restarted consumer resumes after them', async () => {
    await service.close();
    await probe.publish('CustomerRegistered', customer('while-down'));
    const before = handled.length;
    service = await startService(MessagingTestModule, { service: 'messaging-test', portEnv: 'UNUSED', defaultPort: 0 });
    await probe.waitFor('while-down handled', () => handled.includes('while-down'));
    // Nothing handled before the restart was handled again.
    expect(handled.slice(before)).toEqual(['while-down']);
  });
});
