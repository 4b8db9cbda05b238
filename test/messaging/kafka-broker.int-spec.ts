import { Kafka, logLevel } from 'kafkajs';
import { isolateTestRun } from '../support/isolation';

/**
 * Proves the pinned broker speaks with kafkajs 2.2.4 in every way the project relies on:
 * idempotent produce, transactional produce with sendOffsets, and read-committed consumption.
 */
describe('the pinned Kafka broker and kafkajs 2.2.4', () => {
  const world = isolateTestRun('broker');
  const kafka = new Kafka({ clientId: 'broker-check', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  const topic = `${world.namespace}roundtrip`;
  const admin = kafka.admin();

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2, replicationFactor: 1 }] });
  });

  afterAll(async () => {
    await admin.disconnect();
    await world.cleanup();
  });

  it('round-trips idempotent and transactional messages, committing offsets inside the transaction', async () => {
    const idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const transactional = kafka.producer({ transactionalId: `${world.namespace}tx`, idempotent: true, maxInFlightRequests: 1 });
    await idempotent.connect();
    await transactional.connect();

    await idempotent.send({ topic, acks: -1, messages: [{ key: 'c1', value: 'plain-1' }] });
    const committed = await transactional.transaction();
    await committed.send({ topic, messages: [{ key: 'c1', value: 'tx-committed' }] });
    await committed.sendOffsets({ consumerGroupId: `${world.namespace}tx-group`, topics: [{ topic, partitions: [{ partition: 0, offset: '1' }] }] });
    await committed.commit();
    const aborted = await transactional.transaction();
    await aborted.send({ topic, messages: [{ key: 'c1', value: 'tx-aborted' }] });
    await aborted.abort();
    await idempotent.send({ topic, acks: -1, messages: [{ key: 'c1', value: 'plain-2' }] });

    const consumer = kafka.consumer({ groupId: `${world.namespace}reader`, readUncommitted: false, maxWaitTimeInMs: 100 });
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value!.toString());
          if (values.includes('plain-2')) resolve();
        },
      });
    });
    await done;
    await consumer.disconnect();

    expect(values).toEqual(['plain-1', 'tx-committed', 'plain-2']);
    const offsets = await admin.fetchOffsets({ groupId: `${world.namespace}tx-group`, topics: [topic] });
    expect(offsets[0].partitions.find((p) => p.partition === 0)?.offset).toBe('1');

    await idempotent.disconnect();
    await transactional.disconnect();
  });
});
