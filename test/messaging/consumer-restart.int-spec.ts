import { Controller, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CloudEvent, CustomerRegistered, Topics } from '@mp/contracts';
import { DeadLetterHeaders, headerText, KafkaTransport } from '@mp/messaging';
import { ServiceModule } from '@mp/platform';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { eventually } from '../support/eventually';
import { isolateTestRun } from '../support/isolation';
import { RunningService, startService } from '../support/service-harness';
import { TopicProbe } from '../support/topic-probe';

/** What the handler of the test service saw, in order. */
const handled: string[] = [];

/** Handlers that fail in the ways a consumer must survive. */
@Controller()
class FaultyMessageController {
  @EventPattern('CustomerRegistered')
  onCustomer(@Payload() envelope: CloudEvent<CustomerRegistered>): void {
    const { customerId } = envelope.data;
    // Not an Error, and not even printable: String() of it throws.
    if (customerId.startsWith('throws-unprintable')) throw Object.create(null);
    if (customerId.startsWith('throws-string')) throw 'a string, not an Error';
    handled.push(customerId);
  }
}

@Module({ imports: [ServiceModule.forService('restart-test')], controllers: [FaultyMessageController] })
class RestartTestModule {}

/**
 * Issue 7, deliverable 2: a consumer that crashes anyway restarts itself, `/health/ready` says
 * down meanwhile, and neither a handler's error nor a failing dead-letter producer silently ends
 * consumption. The dead-letter producer is made to fail for real, by lowering the broker's
 * `max.message.bytes` of the test's dead-letter topic.
 */
describe('a consumer that crashes restarts itself', () => {
  const world = isolateTestRun('restart');
  process.env.KAFKA_HANDLER_ATTEMPTS = '2';
  process.env.KAFKA_RETRY_BACKOFF_MS = '10';
  const probe = new TopicProbe();
  const admin = new Kafka({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING }).admin();
  let service: RunningService;

  const customer = (customerId: string) => ({ customerId, name: 'Contoso', country: 'DE', admins: ['admin-1'] });
  const ready = async () => (await fetch(`${service.url}/health/ready`)).status;
  const deadLetterWith = (needle: string) => probe.seen.find((s) => s.topic === Topics.deadLetters && (s.raw.includes(needle) || JSON.stringify(s.headers).includes(needle)));

  /** The broker's largest message on the test's dead-letter topic. */
  async function limitDeadLetterTopicTo(bytes: number): Promise<void> {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: `${world.namespace}${Topics.deadLetters}`, configEntries: [{ name: 'max.message.bytes', value: String(bytes) }] }],
    });
  }

  async function handledAfterwards(customerId: string): Promise<void> {
    await probe.publish('CustomerRegistered', customer(customerId));
    await probe.waitFor(`${customerId} handled`, () => handled.includes(customerId), 45_000);
  }

  beforeAll(async () => {
    await admin.connect();
    await probe.start();
    service = await startService(RestartTestModule, { service: 'restart-test', portEnv: 'UNUSED', defaultPort: 0 });
  });

  afterAll(async () => {
    await service?.close();
    await probe.stop();
    await admin.disconnect();
    await world.cleanup();
  });

  it('dead-letters a message whose handler throws something that is not an Error, and goes on', async () => {
    await probe.publish('CustomerRegistered', customer('throws-unprintable-1'));
    await probe.publish('CustomerRegistered', customer('throws-string-1'));
    await handledAfterwards('after-odd-throws');
    const unprintable = await probe.waitFor('dead letter', () => deadLetterWith('throws-unprintable-1'));
    expect(headerText(unprintable.headers, DeadLetterHeaders.errorClass)).toBe('HandlerFailed');
    expect(headerText(unprintable.headers, DeadLetterHeaders.attempts)).toBe('2');
    const text = await probe.waitFor('dead letter', () => deadLetterWith('throws-string-1'));
    expect(headerText(text.headers, DeadLetterHeaders.errorMessage)).toBe('a string, not an Error');
    expect(await ready()).toBe(200);
  });

  it('writes the failure without the original when the dead-letter topic refuses the original for its size', async () => {
    await limitDeadLetterTopicTo(4_000);
    try {
      await probe.sendRaw(Topics.customerEvents, `{"not json ${world.id('bulky')} ${'x'.repeat(10_000)}`, 'bulky-1');
      await handledAfterwards('after-bulky');
      const letter = await probe.waitFor('the stripped dead letter', () => probe.seen.find((s) => s.topic === Topics.deadLetters && headerText(s.headers, DeadLetterHeaders.originalDropped)));
      expect(letter.raw).toBe('');
      expect(headerText(letter.headers, DeadLetterHeaders.originalDropped)).toContain('max message size');
      expect(headerText(letter.headers, DeadLetterHeaders.originOffset)).toMatch(/^\d+$/);
    } finally {
      await limitDeadLetterTopicTo(1_048_588);
    }
  });

  it('restarts while no dead letter can be written, says not ready meanwhile, and recovers without skipping the message', async () => {
    await limitDeadLetterTopicTo(64);
    const poison = world.id('poison');
    // Keyed like the message behind it: the same partition, so it is truly behind the poison.
    await probe.sendRaw(Topics.customerEvents, `{"not json ${poison}`, 'behind-the-poison');
    await probe.publish('CustomerRegistered', customer('behind-the-poison'));
    await eventually('/health/ready to answer 503 while the consumer cannot go on', async () => (await ready()) === 503, 45_000);
    const transport = service.app.get(KafkaTransport);
    await eventually('the consumer re-created twice while the poison still cannot be dead-lettered', () => transport.consumerStatus().restarts >= 2, 45_000);
    const health = (await (await fetch(`${service.url}/health/ready`)).json()) as { details: { kafka: unknown } };
    expect(health.details.kafka).toMatchObject({ status: 'down' });
    expect(handled).not.toContain('behind-the-poison');
    await limitDeadLetterTopicTo(1_048_588);
    await probe.waitFor('the message behind the poison handled', () => handled.includes('behind-the-poison'), 60_000);
    const letter = await probe.waitFor('the poison dead-lettered once the topic takes it', () => deadLetterWith(poison));
    expect(headerText(letter.headers, DeadLetterHeaders.errorClass)).toBe('NotJson');
    await eventually('/health/ready to answer 200 again', async () => (await ready()) === 200, 30_000);
    await handledAfterwards('after-recovery');
  });
});
