import { randomUUID } from 'node:crypto';
import { Consumer, IHeaders, Kafka } from 'kafkajs';
import { OperationsSettings } from '../operations-kafka';

/** One message as read from a partition, with where it sits. */
export interface TopicMessage {
  topic: string;
  partition: number;
  offset: string;
  /** When it was written (the broker's or producer's timestamp), ISO 8601. */
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/** What to read of one partition: from `from`, up to `to` (exclusive), or on and on when `to` is absent. */
export interface ReadRange {
  partition: number;
  from: number;
  to?: number;
}

export interface ReadOptions {
  /** The physical topic. */
  topic: string;
  ranges: ReadRange[];
  /** Called for each message in the ranges, in order per partition; `false` stops the read. */
  onMessage: (message: TopicMessage) => boolean | void | Promise<boolean | void>;
  /** Called once every partition is positioned: from then on every message written is read. */
  onReady?: () => void;
  /** Stops the read (Ctrl-C, a time limit). */
  signal?: AbortSignal;
}

/** True when every range has an end and is empty: nothing to read, no consumer needed. */
function nothingToRead(ranges: ReadRange[]): boolean {
  return ranges.every((r) => r.to !== undefined && r.from >= r.to);
}

/**
 * Reads ranges of a topic's partitions, without a trace: a throwaway consumer group of its own
 * (`<namespace>mp-ops.<uuid>`) that commits nothing, so no service's position is touched and the
 * broker forgets the group once it leaves. Resolves when every bounded range is read, when
 * `onMessage` returns false, or when `signal` aborts; rejects if the consumer crashes.
 */
export async function readTopic(kafka: Kafka, settings: OperationsSettings, options: ReadOptions): Promise<void> {
  const { topic, ranges, signal } = options;
  if (nothingToRead(ranges)) {
    options.onReady?.();
    return;
  }
  const byPartition = new Map(ranges.map((r) => [r.partition, r]));
  const open = new Set(ranges.filter((r) => r.to === undefined || r.from < r.to).map((r) => r.partition));
  const consumer: Consumer = kafka.consumer({ groupId: `${settings.namespace}mp-ops.${randomUUID()}`, maxWaitTimeInMs: 250, allowAutoTopicCreation: false, retry: { retries: 2 } });

  let finish!: (error?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => (finish = (error?: unknown) => (error ? reject(error) : resolve())));
  // Said once, by the await below; a crash before it is reached is not an unhandled rejection.
  finished.catch(() => undefined);
  let stopped = false;
  const stop = (error?: unknown) => {
    stopped = true;
    finish(error);
  };
  const onAbort = () => stop();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) stop();

  consumer.on(consumer.events.CRASH, ({ payload }) => stop(payload.error));
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    // Positioned before the first fetch: every partition of the ranges at its start, the others paused.
    for (const partition of payload.memberAssignment[topic] ?? []) {
      const range = byPartition.get(partition);
      if (range && open.has(partition)) consumer.seek({ topic, partition, offset: String(range.from) });
      else consumer.pause([{ topic, partitions: [partition] }]);
    }
    options.onReady?.();
  });

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, isRunning, isStale }) => {
        const range = byPartition.get(batch.partition);
        if (!range || !open.has(batch.partition)) return;
        for (const message of batch.messages) {
          if (stopped || !isRunning() || isStale()) return;
          const offset = Number(message.offset);
          if (offset < range.from) continue;
          if (range.to !== undefined && offset >= range.to) break;
          const more = await options.onMessage({
            topic,
            partition: batch.partition,
            offset: message.offset,
            timestamp: new Date(Number(message.timestamp)).toISOString(),
            key: message.key ?? null,
            value: message.value ?? null,
            headers: message.headers ?? {},
          });
          if (more === false) return stop();
          if (range.to !== undefined && offset + 1 >= range.to) break;
        }
        const reached = range.to !== undefined && (batch.messages.length ? Number(batch.lastOffset()) + 1 : Number(batch.highWatermark)) >= range.to;
        if (reached) {
          open.delete(batch.partition);
          consumer.pause([{ topic, partitions: [batch.partition] }]);
          if (open.size === 0) stop();
        }
      },
    });
    await finished;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await consumer.disconnect().catch(() => undefined);
  }
}
