import { Inject, Injectable, Logger } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { CloudEvent, isMessageType, MessageCatalog, MessageType, TopicName, Topics } from '@mp/contracts';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { deadLetterFor, Failure } from './dead-letters';
import { decode } from './decode';
import { EventPublisher } from './event-publisher';
import { KafkaMessageContext } from './kafka-message.context';
import { KafkaSettings, physicalTopic } from './kafka-settings';
import { ConsumerControl, StateKeeper } from './state-keeper';
import { TopicProvisioner } from './topic-provisioner';
import { KAFKA_SETTINGS } from './tokens';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const HEARTBEAT_MS = 3_000;

/**
 * A NestJS transport over kafkajs that routes each message by its CloudEvents `type` to the
 * `@EventPattern(type)` handler of the service. It subscribes to the topics of the types the
 * service handles, with one consumer group per service, and:
 * - validates every message (JSON, CloudEvent, known type, data rules); what fails goes to
 *   `mp.dead-letters.v1` with the reasons, and the consumer goes on;
 * - retries a handler that throws, with back-off, then dead-letters the message;
 * - commits an offset only after its message was handled (or dead-lettered).
 */
@Injectable()
export class KafkaTransport extends Server implements CustomTransportStrategy, ConsumerControl {
  private readonly log = new Logger(KafkaTransport.name);
  private consumer?: Consumer;
  private joined = false;
  private joinedWaiters: Array<() => void> = [];
  private keeper?: StateKeeper;

  constructor(
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    private readonly kafka: Kafka,
    private readonly publisher: EventPublisher,
    private readonly topics: TopicProvisioner,
  ) {
    super();
  }

  /** The message types this service has handlers for. */
  handledTypes(): MessageType[] {
    const patterns = [...this.messageHandlers.keys()];
    const unknown = patterns.filter((p) => !isMessageType(p));
    if (unknown.length) throw new Error(`@EventPattern names unknown message types: ${unknown.join(', ')}`);
    return patterns as MessageType[];
  }

  /** The contract topics this service consumes: those of the types it handles. */
  subscribedTopics(): TopicName[] {
    return [...new Set(this.handledTypes().map((type) => MessageCatalog[type].topic))];
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(() => callback(), callback);
  }

  private async start(): Promise<void> {
    await this.topics.ensureTopics();
    await this.publisher.connect();
    const topics = this.subscribedTopics();
    if (topics.length === 0) return;

    const consumer = this.kafka.consumer({
      groupId: this.settings.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 250,
      sessionTimeout: 30_000,
      heartbeatInterval: HEARTBEAT_MS,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      void this.keeper?.assigned(event.payload.memberAssignment).catch((error) => this.log.error(`state check after the rebalance failed: ${error}`));
      this.joined = true;
      this.joinedWaiters.splice(0).forEach((resolve) => resolve());
    });
    consumer.on(consumer.events.CRASH, (event) => {
      this.joined = false;
      this.log.error(`consumer crashed: ${event.payload.error}`);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: topics.map((t) => physicalTopic(this.settings, t)), fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.eachBatch(payload) });
    this.log.log(`consuming ${topics.join(', ')} as group ${this.settings.groupId}`);
  }

  /** Resolves once the consumer has joined its group and been given partitions. */
  whenJoined(): Promise<void> {
    if (this.joined) return Promise.resolve();
    return new Promise((resolve) => this.joinedWaiters.push(resolve));
  }

  isJoined(): boolean {
    return this.joined;
  }

  /** Who keeps the service's state in step with the topics: told of rebalances and of each message handled. */
  useStateKeeper(keeper: StateKeeper): void {
    this.keeper = keeper;
  }

  seekToBeginning(topic: string, partition: number): void {
    this.consumer?.seek({ topic, partition, offset: '0' });
  }

  pause(topics: string[]): void {
    this.consumer?.pause(topics.map((topic) => ({ topic })));
  }

  resume(topics: string[]): void {
    this.consumer?.resume(topics.map((topic) => ({ topic })));
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    let lastHandled: string | undefined;
    try {
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break;
        await this.whileBeating(heartbeat, () => this.process(batch.topic, batch.partition, message));
        resolveOffset(message.offset);
        lastHandled = message.offset;
        this.keeper?.handled(batch.topic, batch.partition, message.offset);
      }
    } finally {
      if (lastHandled !== undefined && this.consumer) {
        const offset = (BigInt(lastHandled) + 1n).toString();
        await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset }]);
      }
    }
  }

  /**
   * Keeps the group membership alive while one message is handled: a handler with retries (a
   * webhook with back-off) may take longer than the session timeout, and kafkajs only beats when
   * asked to.
   */
  private async whileBeating(heartbeat: () => Promise<void>, work: () => Promise<void>): Promise<void> {
    const beat = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_MS);
    try {
      await work();
    } finally {
      clearInterval(beat);
    }
    await heartbeat();
  }

  /** Decode, route, retry, dead-letter: one message, never thrown out of here unless Kafka itself fails. */
  private async process(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const decoded = decode(message.value);
    if (!decoded.ok) {
      const now = new Date();
      await this.deadLetter(topic, partition, message, { ...decoded, attempts: 1, firstFailureAt: now, lastFailureAt: now });
      return;
    }
    const envelope = decoded.envelope;
    if (physicalTopic(this.settings, MessageCatalog[envelope.type].topic) !== topic) {
      const now = new Date();
      const text = `${envelope.type} belongs on ${MessageCatalog[envelope.type].topic}, not here.`;
      await this.deadLetter(topic, partition, message, { errorClass: 'WrongTopic', message: text, errors: [], attempts: 1, firstFailureAt: now, lastFailureAt: now });
      return;
    }
    // Looked up by type directly: Nest's getHandlerByPattern tries JSON.parse on every pattern.
    const handler = this.messageHandlers.get(envelope.type);
    if (!handler) return; // a valid message of a type this service has no business with

    let firstFailureAt: Date | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        const context = new KafkaMessageContext([topic, partition, message, attempt, this.keeper?.isReplay(topic, partition, message.offset) ?? false]);
        await lastValueFrom(this.transformToObservable(await handler(envelope, context)), { defaultValue: undefined });
        return;
      } catch (error) {
        firstFailureAt ??= new Date();
        const err = error instanceof Error ? error : new Error(String(error));
        this.log.warn({ msg: `handler failed (attempt ${attempt}): ${err.message}`, type: envelope.type, id: envelope.id, correlationid: correlationOf(envelope) });
        if (attempt >= this.settings.handlerAttempts) {
          await this.deadLetter(topic, partition, message, {
            errorClass: err.constructor.name === 'Error' ? 'HandlerFailed' : err.constructor.name,
            message: err.message,
            errors: [],
            attempts: attempt,
            firstFailureAt,
            lastFailureAt: new Date(),
          });
          return;
        }
        await sleep(this.settings.retryBackoffMs * 2 ** (attempt - 1));
      }
    }
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, failure: Failure): Promise<void> {
    // Consumed again to rebuild a lost state: it was dead-lettered the first time.
    if (this.keeper?.isReplay(topic, partition, message.offset)) return;
    this.log.warn({ msg: `dead-lettering ${topic}[${partition}]@${message.offset}: ${failure.errorClass}: ${failure.message}`, errors: failure.errors });
    const provenance = { topic, partition, offset: message.offset, groupId: this.settings.groupId };
    await this.publisher.sendRaw(Topics.deadLetters, [deadLetterFor(message, provenance, failure)]);
  }

  async close(): Promise<void> {
    await this.consumer?.disconnect();
    this.joined = false;
  }

  on(): void {
    throw new Error('KafkaTransport emits no events to subscribe to.');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}

function correlationOf(envelope: CloudEvent): string {
  return envelope.correlationid ?? envelope.id;
}
