import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { ServiceMetrics } from '@mp/metrics';
import { CloudEvent, describeThrown, MessageType, ProducedEvent, specOf } from '@mp/contracts';
import { Kafka, Message, Partitioners, Producer } from 'kafkajs';
import { envelopeFor, Origin, OutgoingMessage, toKafkaMessage } from './envelopes';
import { KafkaSettings, physicalTopic } from './kafka-settings';
import { SendTogether } from './send-together';
import { KAFKA_SETTINGS } from './tokens';

/**
 * Envelopes in one produce request at most: a few KiB each, so a request stays well under the
 * broker's 1 MiB `message.max.bytes` for the record batch of one partition.
 */
const MAX_ENVELOPES_PER_REQUEST = 200;

/**
 * The one way a service writes to Kafka: an idempotent producer, acks from all replicas, and
 * envelopes whose ids derive from their cause, so a retry re-sends the same ids.
 */
@Injectable()
export class EventPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(EventPublisher.name);
  private readonly producer: Producer;
  private connecting?: Promise<void>;
  private readonly together = new SendTogether<CloudEvent>((envelopes) => this.produce(envelopes), MAX_ENVELOPES_PER_REQUEST);

  constructor(
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    kafka: Kafka,
    @Optional() private readonly metrics?: ServiceMetrics,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // An idempotent producer must keep retrying, or a transient error could break its ordering.
      retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
      allowAutoTopicCreation: false,
      // Java's murmur2 partitioning: a key lands where a Java client would put it too.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /** Connects once; a failed connection is tried again at the next call (Kafka unreachable at start). */
  connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  /** The envelopes of what a decision produced: ids derived from the cause, `time` from the caller's clock. */
  envelopesFor(origin: Origin, messages: OutgoingMessage[], now: Date): ProducedEvent[] {
    return messages.map((m, index) => envelopeFor(this.settings.service, origin, m, index, now));
  }

  /**
   * Sends ready-made envelopes (what a decision produced, upstream messages, replays). Concurrent
   * calls share produce requests (`SendTogether`); resolves once these envelopes are acknowledged.
   */
  async send(envelopes: CloudEvent[]): Promise<void> {
    if (envelopes.length === 0) return;
    await this.together.add(envelopes);
    for (const envelope of envelopes) this.count(envelope);
    // At debug: what a command produced is logged at info by the command handler, with the same ids.
    this.logger.debug({ msg: `published ${envelopes.map((e) => e.type).join(', ')}`, published: envelopes.map((e) => ({ id: e.id, type: e.type, correlationid: e.correlationid, causationid: e.causationid })) });
  }

  /** One produce request: the envelopes grouped by topic, acknowledged by all in-sync replicas. */
  private async produce(envelopes: CloudEvent[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const envelope of envelopes) {
      const topic = physicalTopic(this.settings, specOf(envelope.type as MessageType).topic);
      const messages = byTopic.get(topic);
      if (messages) messages.push(toKafkaMessage(envelope));
      else byTopic.set(topic, [toKafkaMessage(envelope)]);
    }
    await this.connect();
    await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  }

  private count(envelope: CloudEvent): void {
    if (!this.metrics) return;
    this.metrics.produced.inc({ topic: specOf(envelope.type as MessageType).topic, type: envelope.type });
    const reason = (envelope.data as { reason?: unknown } | undefined)?.reason;
    if (envelope.type.endsWith('Rejected') && typeof reason === 'string') this.metrics.rejected.inc({ type: envelope.type, reason });
  }

  /** Sends raw messages to a contract topic (dead letters, replays keep their bytes untouched). */
  async sendRaw(topic: string, messages: Message[]): Promise<void> {
    await this.connect();
    await this.producer.send({ topic: physicalTopic(this.settings, topic), acks: -1, messages });
    this.metrics?.produced.inc({ topic, type: 'raw' }, messages.length);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.connecting) return;
    await this.producer.disconnect().catch((error: unknown) => this.logger.warn(`producer disconnect: ${describeThrown(error)}`));
  }
}
