/**
 * Bursts and single messages through Kafka, timed from the moment each is handed to the producer
 * to the moment its result is seen on an output topic: what the pipeline and intake benchmarks
 * measure, for the services and for their bare-Kafka baselines alike.
 */
import { performance } from 'node:perf_hooks';
import { Consumer, Kafka, Message, Producer } from 'kafkajs';
import { median, percentile } from './stats';

/**
 * A consumer of one topic that notes, per request id, when it first saw a message of the wanted
 * type (performance.now(), the same clock the publisher stamps with), and counts every type seen.
 * It also counts what would show an effect applied twice: a second message of the wanted type for
 * one request id under another id; and, apart, a message id seen again (a re-sent event keeps its id,
 * derived from its cause, so its consumers drop it: at-least-once made effectively-once, DESIGN §7).
 */
export class Observer {
  private readonly seenAt = new Map<string, number>();
  private readonly positions = new Map<string, { partition: number; offset: string }>();
  /** The envelope id of the first message of the wanted type for each request id. */
  private readonly firstIds = new Map<string, string | undefined>();
  private readonly messageIds = new Set<string>();
  /** The highest offset seen on each partition. */
  private readonly highest = new Map<number, bigint>();
  readonly types = new Map<string, number>();
  /** Messages of the wanted type for a request id already seen, under another envelope id: applied twice. */
  repeats = 0;
  /** Messages whose envelope id was already seen: re-sent (after a rebalance or a restart), dropped by their consumers. */
  duplicateIds = 0;
  private consumer?: Consumer;
  private pending?: { ids: Set<string>; done: () => void };

  constructor(
    private readonly kafka: Kafka,
    readonly groupId: string,
    private readonly topic: string,
    private readonly wantedType: string,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const at = performance.now();
        // Read again after a rebalance of this observer's own group (a busy machine misses heartbeats): not a second message on the topic.
        const offset = BigInt(message.offset);
        if (offset <= (this.highest.get(partition) ?? -1n)) return;
        this.highest.set(partition, offset);
        const envelope = JSON.parse(message.value?.toString('utf8') ?? '{}') as { id?: string; type?: string; data?: { requestId?: string } };
        const type = envelope.type ?? '?';
        this.types.set(type, (this.types.get(type) ?? 0) + 1);
        if (envelope.id !== undefined) {
          if (this.messageIds.has(envelope.id)) this.duplicateIds++;
          else this.messageIds.add(envelope.id);
        }
        const id = envelope.data?.requestId;
        if (type === this.wantedType && id !== undefined && this.seenAt.has(id)) {
          if (this.firstIds.get(id) !== envelope.id) this.repeats++;
        } else if (type === this.wantedType && id !== undefined) {
          this.seenAt.set(id, at);
          this.firstIds.set(id, envelope.id);
          this.positions.set(id, { partition, offset: message.offset });
          if (this.pending?.ids.delete(id) && this.pending.ids.size === 0) this.pending.done();
        }
      },
    });
    await joined;
  }

  at(id: string): number | undefined {
    return this.seenAt.get(id);
  }

  /** Where the first message of the wanted type for `id` is on the topic. */
  positionOf(id: string): { partition: number; offset: string } | undefined {
    return this.positions.get(id);
  }

  /** Resolves when every id has been seen; costs O(1) per message, so the wait takes no CPU from the service. */
  waitForAll(ids: readonly string[], timeoutMs: number): Promise<void> {
    const pending = new Set(ids.filter((id) => !this.seenAt.has(id)));
    if (pending.size === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new Error(`${this.topic}: ${pending.size} of ${ids.length} ${this.wantedType} not seen within ${timeoutMs} ms (types seen: ${JSON.stringify(Object.fromEntries(this.types))})`));
      }, timeoutMs);
      this.pending = {
        ids: pending,
        done: () => {
          clearTimeout(timer);
          this.pending = undefined;
          resolve();
        },
      };
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

export interface FlowRound {
  n: number;
  /** Messages per second, from the first publish to the last message seen. */
  throughput: number;
  p50: number;
  p99: number;
  max: number;
  /** Time until every produce request of the burst was acknowledged. */
  publishAckMs: number;
  elapsedMs: number;
  /** performance.now() when the burst began. */
  start: number;
}

export interface FlowResult {
  rounds: FlowRound[];
  throughput: number;
  throughputs: number[];
  p50: number;
  p99: number;
  max: number;
  publishAckMs: number;
}

export function summarize(rounds: FlowRound[]): FlowResult {
  return {
    rounds,
    throughputs: rounds.map((r) => r.throughput),
    throughput: median(rounds.map((r) => r.throughput)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    max: Math.max(...rounds.map((r) => r.max)),
    publishAckMs: median(rounds.map((r) => r.publishAckMs)),
  };
}

export interface Batch {
  ids: string[];
  messages: Message[];
}

/**
 * Publishes the whole batch as fast as the producer takes it (chunks sent concurrently), stamping
 * each message with the time its chunk was handed to the producer, then waits until the observer
 * has seen every id. Latency includes the queueing of a burst: later messages wait for earlier ones.
 */
export async function flow(producer: Producer, topic: string, batch: Batch, observer: Observer, timeoutMs: number, chunkSize = 50): Promise<FlowRound> {
  const sentAt = new Map<string, number>();
  const start = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < batch.messages.length; i += chunkSize) {
    const at = performance.now();
    for (const id of batch.ids.slice(i, i + chunkSize)) sentAt.set(id, at);
    sends.push(producer.send({ topic, messages: batch.messages.slice(i, i + chunkSize) }));
  }
  await Promise.all(sends);
  const publishAckMs = performance.now() - start;
  await observer.waitForAll(batch.ids, timeoutMs);
  const latencies = batch.ids.map((id) => observer.at(id)! - sentAt.get(id)!);
  const last = Math.max(...batch.ids.map((id) => observer.at(id)!));
  const elapsedMs = last - start;
  return {
    n: batch.ids.length,
    throughput: batch.ids.length / (elapsedMs / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    publishAckMs,
    elapsedMs,
    start,
  };
}

export interface Lane {
  topic: string;
  batch: Batch;
  observer: Observer;
}

/**
 * One message at a time: publish, wait until its result is seen, then the next; the lanes take
 * turns message by message, so a machine that changes speed hits them alike. The latency of a
 * message with nothing queued in front of it; the rate is 1 / the mean latency.
 */
export async function oneAtATime(producer: Producer, lanes: Lane[], timeoutMs: number): Promise<FlowRound[]> {
  const latencies = lanes.map(() => [] as number[]);
  const acks = lanes.map(() => 0);
  const start = performance.now();
  const n = Math.min(...lanes.map((lane) => lane.batch.ids.length));
  for (let i = 0; i < n; i++) {
    for (const [l, { topic, batch, observer }] of lanes.entries()) {
      const sentAt = performance.now();
      await producer.send({ topic, messages: [batch.messages[i]] });
      acks[l] += performance.now() - sentAt;
      await observer.waitForAll([batch.ids[i]], timeoutMs);
      latencies[l].push(observer.at(batch.ids[i])! - sentAt);
    }
  }
  return latencies.map((values, l) => {
    const sum = values.reduce((total, ms) => total + ms, 0);
    return {
      n,
      throughput: n / (sum / 1000),
      p50: percentile(values, 50),
      p99: percentile(values, 99),
      max: Math.max(...values),
      publishAckMs: acks[l] / n,
      elapsedMs: sum,
      start,
    };
  });
}
