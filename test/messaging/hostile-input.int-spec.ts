import { CloudEvent, Topics } from '@mp/contracts';
import { DeadLetterHeaders, headerText, upstreamEnvelope } from '@mp/messaging';
import { RequestServiceModule } from '../../apps/request-service/src/request-service.module';
import { requestServiceOptions } from '../../apps/request-service/src/request-service.options';
import { isolateTestRun } from '../support/isolation';
import { RunningService, startService } from '../support/service-harness';
import { TopicProbe } from '../support/topic-probe';
import { Upstream } from '../support/upstream';

/**
 * Issue 7, defects 1 and 9: one hostile command used to stop the request-service for good (the
 * error escaped the consumer's batch handler and kafkajs did not restart it). Each hostile
 * message below is sent to the real service on a customer's partition, followed by valid
 * commands of the same customer: the hostile one must end as a dead letter with its reason, and
 * every valid one behind it must be answered.
 */
describe('hostile input never stops a consumer (request-service against a real broker)', () => {
  const world = isolateTestRun('hostile');
  // Small enough that an over-limit message still fits the broker's own limit (1 MiB).
  process.env.KAFKA_MAX_MESSAGE_BYTES = String(900_000);
  const probe = new TopicProbe();
  const upstream = new Upstream(probe);
  let service: RunningService;
  const customerId = world.id('cust');
  const resellerId = world.id('res');
  const time = () => new Date().toISOString();

  const command = (extra: Record<string, unknown> = {}) => ({
    requestId: world.id('req'),
    customerId,
    resellerId,
    services: ['Azure'],
    requestedBy: { userId: 'u-1' },
    ...extra,
  });
  /** A CloudEvent around hand-written JSON for `data`, so hostile keys reach the wire as written. */
  const envelopeText = (id: string, dataJson: string) =>
    `{"specversion":"1.0","id":"${id}","type":"RequestRelationship","source":"hostile","time":"${time()}","subject":"${customerId}","data":${dataJson}}`;
  const withDataKey = (id: string, key: string) => envelopeText(id, JSON.stringify(command()).replace('{', `{"${key}":{"a":1},`));

  beforeAll(async () => {
    await probe.start();
    service = await startService(RequestServiceModule, requestServiceOptions);
    await upstream.partner(resellerId);
    await upstream.customer(customerId, ['admin-1']);
  });

  afterAll(async () => {
    await service?.close();
    await probe.stop();
    await world.cleanup();
  });

  /** Sends valid commands of the same customer (same key, same partition) and waits for each answer. */
  async function validCommandsAreAnswered(count: number): Promise<void> {
    const sent: CloudEvent[] = [];
    for (let i = 0; i < count; i++) sent.push(await probe.publish('RequestRelationship', command()));
    const answered = () => sent.filter((s) => probe.events(undefined, (e) => e.causationid === s.id && ['RelationshipRequested', 'RequestRejected'].includes(e.type)).length > 0);
    await probe.waitFor(`answers to the ${count} valid commands sent behind it`, () => answered().length === count, 30_000).catch((error) => {
      throw new Error(`${answered().length} of ${count} valid commands answered: ${(error as Error).message.slice(0, 300)}`);
    });
  }

  const deadLetterOf = (id: string) => probe.seen.find((s) => s.topic === Topics.deadLetters && s.raw.includes(`"id":"${id}"`));

  interface HostileCase {
    name: string;
    errorClass: string;
    value: (id: string) => string | Buffer;
    /** The Kafka key, when it is not the customer's id. */
    key?: string;
  }
  const cases: HostileCase[] = [
    { name: 'a `constructor` key in data', errorClass: 'ForbiddenKey', value: (id) => withDataKey(id, 'constructor') },
    { name: 'a `__proto__` key in data', errorClass: 'ForbiddenKey', value: (id) => withDataKey(id, '__proto__') },
    { name: 'a `hasOwnProperty` key in data (passed the strict check)', errorClass: 'ForbiddenKey', value: (id) => withDataKey(id, 'hasOwnProperty') },
    { name: 'data nested 10,000 deep', errorClass: 'LimitExceeded', value: (id) => envelopeText(id, `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`) },
    {
      name: '100,000 services',
      errorClass: 'LimitExceeded',
      value: (id) => envelopeText(id, JSON.stringify(command({ services: Array.from({ length: 100_000 }, (_, i) => i.toString(36)) }))),
    },
    { name: 'a value over KAFKA_MAX_MESSAGE_BYTES', errorClass: 'TooLarge', value: (id) => envelopeText(id, JSON.stringify(command({ message: 'x'.repeat(950_000) }))) },
    { name: 'an escaped control character in an id', errorClass: 'ForbiddenCharacter', value: (id) => envelopeText(id, JSON.stringify(command({ requestId: 'r\u0000' }))) },
    {
      name: 'bytes that are not UTF-8',
      errorClass: 'NotJson',
      value: (id) => Buffer.concat([Buffer.from(envelopeText(id, '{"x":"')), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]),
    },
    {
      name: 'a key that is not its customer id',
      errorClass: 'WrongKey',
      value: (id) => JSON.stringify({ ...upstreamEnvelope('hostile', 'RequestRelationship', command()), id }),
      key: 'another-customer',
    },
  ];

  it.each(cases)('dead-letters $name as $errorClass, and answers every valid command behind it', async ({ errorClass, value, key }) => {
    const id = world.id('hostile');
    await probe.sendRaw(Topics.requestCommands, value(id) as string, key ?? customerId);
    await validCommandsAreAnswered(5);
    const letter = await probe.waitFor(`the dead letter of ${id}`, () => deadLetterOf(id), 30_000);
    expect(headerText(letter.headers, DeadLetterHeaders.errorClass)).toBe(errorClass);
    expect(JSON.parse(headerText(letter.headers, DeadLetterHeaders.validationErrors)!)).toBeInstanceOf(Array);
    expect(headerText(letter.headers, DeadLetterHeaders.errorMessage)!.length).toBeGreaterThan(0);
  });

  it('answers 200 on /health/ready throughout: the consumer never left its group', async () => {
    const response = await fetch(`${service.url}/health/ready`);
    expect(response.status).toBe(200);
  });
});
