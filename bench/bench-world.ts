/**
 * What the directory benchmarks share: a world of their own (Kafka namespace, Redis key prefix:
 * test/support/isolation.ts) around a run, with the environment the runner had put back after it;
 * the contract's topics created as the services create them; and a history put on them fast.
 */
import { performance } from 'node:perf_hooks';
import { ALL_TOPICS, Topics } from '@mp/contracts';
import { createKafka, KafkaSettings, kafkaSettingsFromEnv, physicalTopic, TopicProvisioner } from '@mp/messaging';
import { withAdmin } from '@mp/operations';
import { Admin, Consumer, Kafka, Message, Partitioners, Producer } from 'kafkajs';
import { isolateTestRun } from '../test/support/isolation';
import type { BenchContext } from './benchmark';
import { customerIdOf, CustomerHistory, partnerRegistration, resellersOf, TopicMessage } from './history';

export type World = ReturnType<typeof isolateTestRun>;

/** Runs `body` in a world of its own against the runner's Kafka and Redis, then deletes the world and restores the environment. */
export async function inWorld<T>(label: string, context: BenchContext, body: (world: World) => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  process.env.KAFKA_BROKERS = context.kafkaBrokers;
  process.env.REDIS_URL = context.redisUrl;
  const world = isolateTestRun(label);
  try {
    return await body(world);
  } finally {
    await world.cleanup();
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

/**
 * The contract's topics of this world, created as every service creates them at start. A busy
 * broker may still say UNKNOWN_TOPIC_OR_PARTITION of topics it is creating after kafkajs has
 * stopped waiting for their leaders: asked again (it creates only those missing), three times.
 */
export async function createContractTopics(settings: KafkaSettings, kafka: Kafka): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await new TopicProvisioner(settings, kafka).ensureTopics(ALL_TOPICS);
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

export interface Filled {
  customers: number;
  /** Every message put on the topics (registrations included). */
  messages: number;
  /** Lifecycle events among them (request and relationship events). */
  lifecycleEvents: number;
  bytes: number;
  ms: number;
}

/**
 * Messages per produce request: big batches, acks from all replicas, but a partition's share of
 * one under the broker's 1 MiB `message.max.bytes`.
 */
const BATCH = 10_000;
const BATCH_BYTES_PER_PARTITION = 512 * 1024;

/** Producers sending at once, each one request in flight (idempotent producers keep order that way). */
const PRODUCERS = 3;

/**
 * Puts `customers` histories on the topics (with a pool of resellers registered first): batches of
 * up to 10,000 messages, acks=-1, keyed as the services key them, by idempotent producers (as the
 * services' is), so a retry (a leader not known yet on fresh topics) never puts a message there
 * twice. A few producers send at once while the next batches are made.
 */
export async function fillTopics(kafka: Kafka, settings: KafkaSettings, run: string, customers: number, history = new CustomerHistory()): Promise<Filled> {
  const start = performance.now();
  const producers: Producer[] = Array.from({ length: PRODUCERS }, () =>
    kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // As the services' producer: an idempotent producer keeps retrying, or a retry could break its order.
      retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    }),
  );
  await Promise.all(producers.map((p) => p.connect()));
  try {
    const pool = Array.from({ length: 100 }, (_, i) => `reseller-${run}-${String(i).padStart(3, '0')}`);
    const now = new Date();
    await send(producers[0], settings, pool.map((id, i) => partnerRegistration(id, i, now)));
    let bytes = 0;
    let lifecycleEvents = 0;
    const lifecycleTopics = new Set<string>([Topics.requestEvents, Topics.relationshipEvents]);
    const sending: Array<Promise<void>> = producers.map(() => Promise.resolve());
    let turn = 0;
    let batch: TopicMessage[] = [];
    let batchBytes = 0;
    const flush = async () => {
      const p = turn++ % PRODUCERS;
      await sending[p];
      sending[p] = send(producers[p], settings, batch);
      batch = [];
      batchBytes = 0;
    };
    for (let c = 0; c < customers; c++) {
      for (const message of history.messages(customerIdOf(run, c), resellersOf(c, pool, history.resellers))) {
        batch.push(message);
        bytes += message.value.length;
        batchBytes += message.value.length;
        if (lifecycleTopics.has(message.topic)) lifecycleEvents += 1;
      }
      if (batch.length >= BATCH || batchBytes >= BATCH_BYTES_PER_PARTITION * settings.partitions) await flush();
    }
    if (batch.length) await flush();
    await Promise.all(sending);
    return { customers, messages: pool.length + customers * history.events, lifecycleEvents, bytes, ms: performance.now() - start };
  } finally {
    await Promise.all(producers.map((p) => p.disconnect()));
  }
}

async function send(producer: Producer, settings: KafkaSettings, messages: readonly TopicMessage[]): Promise<void> {
  const byTopic = new Map<string, Message[]>();
  for (const m of messages) {
    const topic = physicalTopic(settings, m.topic);
    if (!byTopic.has(topic)) byTopic.set(topic, []);
    byTopic.get(topic)!.push({ key: m.key, value: m.value });
  }
  await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })) });
}

/** Messages on these contract topics now (end minus start offsets, every partition). */
export async function messagesOn(admin: Admin, settings: KafkaSettings, topics: readonly string[]): Promise<number> {
  let total = 0;
  for (const topic of topics) for (const p of await admin.fetchTopicOffsets(physicalTopic(settings, topic))) total += Number(p.high) - Number(p.low);
  return total;
}

export interface Read {
  /** Messages read, and the time from the start to the last of them (or to the cap). */
  read: number;
  ms: number;
}

/**
 * The baseline of the projection and the rebuild: a bare kafkajs consumer, in a group of its own,
 * that reads the same topics from the beginning and does nothing with what it reads. Timed from
 * its start (its join included, as the directory's is) to the last of `expected` messages, or
 * stopped after `capMs` with what it had read by then.
 */
export async function bareRead(kafka: Kafka, settings: KafkaSettings, topics: readonly string[], expected: number, group: string, capMs: number): Promise<Read> {
  const start = performance.now();
  const groupId = `${settings.namespace}${group}`;
  const consumer: Consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  let read = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: topics.map((t) => physicalTopic(settings, t)), fromBeginning: true });
    return await new Promise<Read>((resolve) => {
      const timer = setTimeout(() => resolve({ read, ms: performance.now() - start }), capMs);
      void consumer.run({
        eachBatch: async ({ batch }) => {
          read += batch.messages.length;
          if (read >= expected) {
            clearTimeout(timer);
            resolve({ read, ms: performance.now() - start });
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
    await withAdmin(kafka, (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
  }
}

/** The Kafka settings and client of the bench itself in the current world. */
export function benchKafka(): { settings: KafkaSettings; kafka: Kafka } {
  const settings = kafkaSettingsFromEnv('bench');
  return { settings, kafka: createKafka(settings) };
}
