import { ALL_TOPICS, TopicName } from '@mp/contracts';
import { createKafka, KafkaSettings, physicalTopic } from '@mp/messaging';
import type { Entry } from './oracle';

/**
 * Reads every contract topic of the run from the beginning up to the end offsets it finds when
 * called, with a consumer group of its own. Bounded: fails after `timeoutMs` saying how far it got.
 */
export async function readAllTopics(settings: KafkaSettings, timeoutMs: number): Promise<Entry[]> {
  const kafka = createKafka(settings, '-oracle');
  const admin = kafka.admin();
  await admin.connect();
  const byPhysical = new Map<string, TopicName>(ALL_TOPICS.map((t) => [physicalTopic(settings, t), t]));
  const remaining = new Map<string, bigint>(); // topic/partition -> high watermark still to reach
  try {
    for (const physical of byPhysical.keys()) {
      for (const p of await admin.fetchTopicOffsets(physical)) {
        if (BigInt(p.high) > BigInt(p.low)) remaining.set(`${physical}/${p.partition}`, BigInt(p.high));
      }
    }
  } finally {
    await admin.disconnect();
  }

  const entries: Entry[] = [];
  if (remaining.size === 0) return entries;
  const consumer = kafka.consumer({ groupId: `${settings.namespace}chaos-oracle-${Date.now().toString(36)}`, maxWaitTimeInMs: 200, maxBytes: 50 * 1024 * 1024 });
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...byPhysical.keys()], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const slot = `${batch.topic}/${batch.partition}`;
        const high = remaining.get(slot);
        for (const message of batch.messages) {
          if (high === undefined || BigInt(message.offset) >= high) break;
          entries.push({
            topic: byPhysical.get(batch.topic)!,
            partition: batch.partition,
            offset: message.offset,
            timestamp: Number(message.timestamp),
            key: message.key?.toString('utf8') ?? null,
            headers: headersOf(message.headers),
            value: message.value,
          });
        }
        // Control records (transaction markers) are never handed out: the batch's last offset covers them.
        if (high !== undefined && BigInt(batch.lastOffset()) + 1n >= high) remaining.delete(slot);
        if (remaining.size === 0) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`reading the topics took over ${timeoutMs} ms; ${remaining.size} partitions not read to their end (${[...remaining.keys()].slice(0, 5).join(', ')})`)), timeoutMs);
    });
    await Promise.race([finished, timeout]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return entries;
}

function headersOf(headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}
