import 'reflect-metadata';
import { CloudEvent, MessageType } from '@mp/contracts';
import { Partitioners } from 'kafkajs';
import { eventually } from './support/eventually';
import { isolateTestRun } from './support/isolation';
import { consumed, customerData, outcomesOf, requestedData, startNotificationService, webhookIdOf } from './support/notification-fixtures';
import { ScriptedWebhookReceiver } from './support/scripted-webhook-receiver';
import { RunningService } from './support/service-harness';
import { TopicProbe } from './support/topic-probe';

// Isolation first: the service reads its Kafka namespace, Redis prefix and webhook settings when it is created.
const world = isolateTestRun('notification-slow-endpoint');
const TIMEOUT_MS = 2000;
const MAX_ATTEMPTS = 4;
process.env.WEBHOOK_TIMEOUT_MS = String(TIMEOUT_MS);
process.env.WEBHOOK_MAX_ATTEMPTS = String(MAX_ATTEMPTS);
process.env.WEBHOOK_BACKOFF_MS = '500';

/** The partition a customer's events land on: the producers' murmur2 partitioner, as Java's. */
function partitionOf(customerId: string): number {
  const partitions = Number(process.env.KAFKA_PARTITIONS);
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
  return Partitioners.DefaultPartitioner()({ topic: 'any', partitionMetadata, message: { key: customerId, value: null } });
}

/** `count` fresh customer ids whose events land on `partition`, or on any other partition when `other`. */
function customersOn(partition: number, count: number, other = false): string[] {
  const found: string[] = [];
  while (found.length < count) {
    const id = world.id(other ? 'cust-elsewhere' : 'cust-beside');
    if ((partitionOf(id) === partition) !== other) found.push(id);
  }
  return found;
}

/**
 * DESIGN §7: a slow or dead endpoint delays only its own deliveries. The retries and back-off of
 * one customer's endpoint that never answers happen off the consumer's path, so the other
 * customers' notifications, on the same partition and on others, go out meanwhile.
 */
describe('notification-service: one endpoint that hangs (real Kafka, Redis and HTTP)', () => {
  const receiver = new ScriptedWebhookReceiver();
  const probe = new TopicProbe();
  let service: RunningService;

  const hanging = world.id('cust-hanging');
  const beside = customersOn(partitionOf(hanging), 4);
  const elsewhere = customersOn(partitionOf(hanging), 4, true);
  const publish = (type: MessageType, data: unknown) => probe.publish(type, data);

  beforeAll(async () => {
    await receiver.start();
    await probe.start();
    service = await startNotificationService();
    receiver.hang(`/customers/${hanging}`);
    for (const customerId of [hanging, ...beside, ...elsewhere]) {
      await publish('CustomerRegistered', customerData(customerId, { webhookUrl: receiver.url(`/customers/${customerId}`) }));
    }
    await consumed(service);
  });

  afterAll(async () => {
    await service?.close();
    await probe.stop();
    await receiver.stop();
    await world.cleanup();
  });

  it('delivers the other customers’ notifications, on the same partition and on others, while the hanging one is still being retried', async () => {
    const stuck = await publish('RelationshipRequested', requestedData(hanging, world.id('res'), world.id('req')));
    const stuckId = webhookIdOf(stuck, 'customer', hanging);
    // Behind it on its own partition, and on the others.
    const others: Array<{ customerId: string; event: CloudEvent; sentAt: number; samePartition: boolean }> = [];
    for (const customerId of [...beside, ...elsewhere]) {
      const sentAt = Date.now();
      const event = await publish('RelationshipRequested', requestedData(customerId, world.id('res'), world.id('req')));
      others.push({ customerId, event, sentAt, samePartition: beside.includes(customerId) });
    }

    const arrivals = await eventually('every other customer told', () => {
      const calls = others.map((o) => receiver.callsOf(webhookIdOf(o.event, 'customer', o.customerId))[0]);
      return calls.every(Boolean) && calls;
    });
    // Taken the moment the last of the others had arrived: how far the hanging one's retries had got.
    const stuckAttemptsMeanwhile = receiver.callsOf(stuckId).length;
    const stuckOutcomeMeanwhile = outcomesOf(probe, 'NotificationFailed', stuck).length + outcomesOf(probe, 'NotificationDelivered', stuck).length;

    const delays = others.map((o, i) => ({ ...o, delayMs: arrivals[i].at - o.sentAt }));
    const worst = (same: boolean) => Math.max(...delays.filter((d) => d.samePartition === same).map((d) => d.delayMs));
    console.log(
      [
        `one endpoint hanging (timeout ${TIMEOUT_MS} ms, ${MAX_ATTEMPTS} attempts):`,
        `  others on its partition:     worst delay ${worst(true)} ms (${delays.filter((d) => d.samePartition).map((d) => d.delayMs).join(', ')})`,
        `  others on other partitions:  worst delay ${worst(false)} ms (${delays.filter((d) => !d.samePartition).map((d) => d.delayMs).join(', ')})`,
        `  hanging endpoint meanwhile:  ${stuckAttemptsMeanwhile} of ${MAX_ATTEMPTS} attempts made, outcome ${stuckOutcomeMeanwhile ? 'published' : 'not yet'}`,
      ].join('\n'),
    );
    expect(stuckAttemptsMeanwhile).toBeLessThan(MAX_ATTEMPTS);
    expect(stuckOutcomeMeanwhile).toBe(0);

    // The hanging one goes on alone to its end: every attempt timed out, then NotificationFailed.
    const failed = await probe.waitFor('NotificationFailed of the hanging endpoint', () => outcomesOf(probe, 'NotificationFailed', stuck, hanging)[0]);
    expect(failed.data).toMatchObject({ notificationId: stuckId, attempts: MAX_ATTEMPTS, reason: 'ATTEMPTS_EXHAUSTED', error: `timed out after ${TIMEOUT_MS} ms`, target: receiver.url(`/customers/${hanging}`) });
    expect(receiver.callsOf(stuckId)).toHaveLength(MAX_ATTEMPTS);
    for (const o of others) {
      await probe.waitFor(`NotificationDelivered to ${o.customerId}`, () => outcomesOf(probe, 'NotificationDelivered', o.event, o.customerId)[0]);
      expect(receiver.callsOf(webhookIdOf(o.event, 'customer', o.customerId))).toHaveLength(1);
    }
  });
});
