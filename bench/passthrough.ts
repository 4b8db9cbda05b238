/**
 * The intake benchmark's baseline, run as its own process as the services are: a bare kafkajs
 * consume-and-produce pass-through. It reads `<from>` in consumer group `<group>` and produces
 * every message unchanged to `<to>`, with the services' consumer settings and their producer's
 * (idempotent, one request in flight, acks from all replicas, at most 200 messages a request),
 * committing a fetched batch's offset once its messages are acknowledged, as the services do. Nothing
 * else: no decoding, no validation, no state.
 *
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/passthrough.ts <from> <to> <group>
 *
 * Prints `joined <group> as <member>` each time the group gives it partitions; SIGTERM ends it.
 */
import { consumerConfig, createKafka, kafkaSettingsFromEnv } from '@mp/messaging';
import { Partitioners } from 'kafkajs';

const PER_REQUEST = 200;

async function main(): Promise<void> {
  const [from, to, groupId] = process.argv.slice(2);
  if (!from || !to || !groupId) throw new Error('usage: passthrough <from> <to> <group>');
  const settings = kafkaSettingsFromEnv('bench-passthrough');
  const kafka = createKafka(settings);
  const consumer = kafka.consumer({ ...consumerConfig(settings), groupId });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => console.log(`joined ${payload.groupId} as ${payload.memberId}`));
  const stop = async () => {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());

  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [from], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }) => {
      const { messages, partition } = batch;
      for (let i = 0; i < messages.length; i += PER_REQUEST) {
        const chunk = messages.slice(i, i + PER_REQUEST);
        await producer.send({ topic: to, acks: -1, messages: chunk.map(({ key, value, headers }) => ({ key, value, headers })) });
        resolveOffset(chunk[chunk.length - 1].offset);
        await heartbeat();
      }
      if (messages.length === 0) return;
      const next = (BigInt(messages[messages.length - 1].offset) + 1n).toString();
      await commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition, offset: next }] }] });
    },
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
