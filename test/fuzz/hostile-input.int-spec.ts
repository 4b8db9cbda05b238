import { randomInt } from 'node:crypto';
import { Topics } from '@mp/contracts';
import { DeadLetterHeaders, headerText, physicalTopic, toKafkaMessage, upstreamEnvelope } from '@mp/messaging';
import { Admin, Consumer, Kafka, logLevel, Message, Producer } from 'kafkajs';
import { eventually } from '../support/eventually';
import { isolateTestRun } from '../support/isolation';
import { ServiceProcess } from '../messaging/service-process';
import { FuzzMessage, FuzzWorld, HostileMessages, Outcome, Random } from './hostile-messages';

/**
 * Issue 7, deliverable 6: thousands of hostile messages, with good commands in between, into the
 * request-service running as its own process. Every hostile message must end as a dead letter of
 * the class it deserves (or, well-formed but against a rule, as a rejection), every good command
 * must be answered, the service must neither crash nor re-create its consumer, and its resident
 * memory must stay flat.
 *
 * `FUZZ_MESSAGES` (default 10,000; `npm run test:fuzz` runs 100,000) and `FUZZ_SEED` (default: a
 * new one, printed) replay a run exactly.
 */
const MESSAGES = Number(process.env.FUZZ_MESSAGES ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? randomInt(2 ** 31));
const MAX_MESSAGE_BYTES = 64 * 1024;
/** The first messages only warm the service up; memory is measured after them. */
const WARM_UP = Math.min(1_000, Math.ceil(MESSAGES / 10));

describe(`hostile input fuzz (FUZZ_MESSAGES=${MESSAGES} FUZZ_SEED=${SEED})`, () => {
  const world = isolateTestRun('fuzz');
  const kafka = new Kafka({ clientId: 'fuzz', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING });
  const topic = (name: string) => physicalTopic({ namespace: world.namespace }, name);
  const admin: Admin = kafka.admin();
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
  const recorder: Consumer = kafka.consumer({ groupId: `${world.namespace}fuzz-recorder`, maxWaitTimeInMs: 100 });
  const fuzzWorld: FuzzWorld = {
    customers: Array.from({ length: 24 }, (_, i) => `fuzz-cust-${i}`),
    resellerId: 'fuzz-reseller',
    foreignResellerId: 'fuzz-foreign-reseller',
    maxMessageBytes: MAX_MESSAGE_BYTES,
  };
  let service: ServiceProcess | undefined;

  /** What each message ended as: the class of its dead letter (by fuzz id), or its answer (by command id). */
  const deadLetters = new Map<string, { errorClass: string; message: string; errors: string }>();
  const answers = new Map<string, string>();
  const outcomeOf = (m: FuzzMessage): Outcome | string | undefined => {
    const letter = deadLetters.get(m.fuzzId);
    if (letter) return letter.errorClass;
    return answers.get(m.commandId);
  };

  beforeAll(async () => {
    console.log(`fuzz: FUZZ_MESSAGES=${MESSAGES} FUZZ_SEED=${SEED} (replay with both)`);
    await Promise.all([admin.connect(), producer.connect()]);
    await recorder.connect();
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await recorder.disconnect();
    await producer.disconnect();
    await admin.disconnect();
    await world.cleanup();
  });

  /** Reads the dead letters and the answers; subscribed once the service has created the topics. */
  async function startRecorder(): Promise<void> {
    await recorder.subscribe({ topics: [topic(Topics.deadLetters), topic(Topics.requestEvents)], fromBeginning: true });
    await recorder.run({
      eachMessage: async ({ topic: from, message }) => {
        if (from === topic(Topics.deadLetters)) {
          const fuzzId = headerText(message.headers, 'fuzz-id');
          if (!fuzzId) return;
          deadLetters.set(fuzzId, {
            errorClass: headerText(message.headers, DeadLetterHeaders.errorClass) ?? '?',
            message: headerText(message.headers, DeadLetterHeaders.errorMessage) ?? '',
            errors: headerText(message.headers, DeadLetterHeaders.validationErrors) ?? '',
          });
          return;
        }
        const event = JSON.parse(message.value!.toString('utf8')) as { type: string; causationid: string };
        answers.set(event.causationid, event.type);
      },
    });
  }

  /** Produces in requests of at most ~512 kB: the broker refuses a batch over 1 MiB. */
  async function send(messages: FuzzMessage[]): Promise<void> {
    let chunk: Message[] = [];
    let bytes = 0;
    const flush = async () => {
      if (chunk.length) await producer.send({ topic: topic(Topics.requestCommands), messages: chunk });
      chunk = [];
      bytes = 0;
    };
    for (const m of messages) {
      const size = (m.value?.length ?? 0) + 200;
      if (bytes + size > 512 * 1024) await flush();
      chunk.push({ key: m.key, value: m.value, headers: m.headers });
      bytes += size;
    }
    await flush();
  }

  async function allEnded(messages: FuzzMessage[], label: string): Promise<void> {
    const timeoutMs = Math.max(120_000, messages.length * 30);
    await eventually(
      `${label}: every message dead-lettered or answered`,
      () => messages.every((m) => outcomeOf(m) !== undefined),
      timeoutMs,
    ).catch((error) => {
      const waiting = messages.filter((m) => outcomeOf(m) === undefined);
      throw new Error(`${(error as Error).message}: ${waiting.length} still open, e.g. ${waiting.slice(0, 5).map((m) => `${m.fuzzId} (${m.kind})`).join(', ')}\n${service?.logs().slice(-2_000)}`);
    });
  }

  async function memberIds(): Promise<string[]> {
    const [group] = (await admin.describeGroups([`${world.namespace}request-service`])).groups;
    return group.members.map((m) => m.memberId).sort();
  }

  it('dead-letters every hostile message with its reason, answers every good command, and never crashes', async () => {
    // The parties, registered before the service starts, so it folds them first.
    const parties = [
      upstreamEnvelope('fuzz', 'PartnerRegistered', { partnerId: fuzzWorld.resellerId, name: 'Fuzz reseller', kind: 'direct-reseller', specializations: [], countries: ['DE'] }),
      upstreamEnvelope('fuzz', 'PartnerRegistered', { partnerId: fuzzWorld.foreignResellerId, name: 'Fuzz US reseller', kind: 'direct-reseller', specializations: [], countries: ['US'] }),
      ...fuzzWorld.customers.map((customerId) => upstreamEnvelope('fuzz', 'CustomerRegistered', { customerId, name: customerId, country: 'DE', admins: ['admin-1'] })),
    ];
    service = await ServiceProcess.start('request-service', 'REQUEST_PORT', { KAFKA_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES), LOG_LEVEL: 'error' });
    await producer.send({ topic: topic(Topics.partnerEvents), messages: parties.slice(0, 2).map(toKafkaMessage) });
    await producer.send({ topic: topic(Topics.customerEvents), messages: parties.slice(2).map(toKafkaMessage) });
    await startRecorder();

    const random = new Random(SEED);
    const generator = new HostileMessages(random, fuzzWorld, world.run);
    const all = Array.from({ length: MESSAGES }, () => generator.next());
    const warmUp = all.slice(0, WARM_UP);
    const rest = all.slice(WARM_UP);

    const started = Date.now();
    await send(warmUp);
    await allEnded(warmUp, 'warm-up');
    const membersBefore = await memberIds();
    const rssBefore = service.residentBytes();

    // In ten rounds, sampling memory after each: flat means it stops growing, whatever the count.
    const rss = [rssBefore];
    const round = Math.ceil(rest.length / 10);
    for (let i = 0; i < rest.length; i += round) {
      const messages = rest.slice(i, i + round);
      await send(messages);
      await allEnded(messages, `fuzz round ${i / round + 1}`);
      rss.push(service.residentBytes());
    }
    const seconds = (Date.now() - started) / 1000;
    const rssAfter = rss[rss.length - 1];
    const membersAfter = await memberIds();

    const byKind = new Map<string, { sent: number; outcomes: Map<string, number> }>();
    for (const m of all) {
      const row = byKind.get(m.kind) ?? { sent: 0, outcomes: new Map() };
      const outcome = String(outcomeOf(m));
      row.sent++;
      row.outcomes.set(outcome, (row.outcomes.get(outcome) ?? 0) + 1);
      byKind.set(m.kind, row);
    }
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    console.log(
      [
        `fuzz: ${MESSAGES} messages in ${seconds.toFixed(1)} s (seed ${SEED}); resident memory of the service ${mb(rssBefore)} after the warm-up, ${mb(rssAfter)} at the end`,
        `  resident memory after each tenth: ${rss.map(mb).join(', ')}`,
        ...[...byKind].sort().map(([kind, row]) => `  ${kind.padEnd(24)} ${String(row.sent).padStart(6)}  ${[...row.outcomes].map(([o, n]) => `${o} ${n}`).join(', ')}`),
      ].join('\n'),
    );

    const wrong = all.filter((m) => !m.expect.has(outcomeOf(m) as Outcome));
    expect(wrong.map((m) => ({ fuzzId: m.fuzzId, kind: m.kind, expected: [...m.expect], got: outcomeOf(m), why: deadLetters.get(m.fuzzId)?.message }))).toEqual([]);
    for (const letter of deadLetters.values()) {
      expect(letter.message.length).toBeGreaterThan(0);
      expect(JSON.parse(letter.errors)).toBeInstanceOf(Array);
    }
    // Never crashed, never re-created its consumer: the same process, the same member of the group.
    expect(service.isRunning()).toBe(true);
    expect(membersAfter).toEqual(membersBefore);
    expect(service.logs()).not.toContain('consumer crashed');
    // Flat, loosely: a leak of even a few hundred bytes per message would show over 10,000 messages.
    expect(rssAfter - rssBefore).toBeLessThan(200 * 1024 * 1024);
  }, Math.max(180_000, MESSAGES * 10));
});
