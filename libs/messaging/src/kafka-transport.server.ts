import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ServiceMetrics } from '@mp/metrics';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { CloudEvent, describeThrown, isMessageType, MessageCatalog, MessageType, specOf, TopicName, Topics } from '@mp/contracts';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { CONSUMER_LEAVE_BUDGET_MS, consumerConfig, ConsumerState, crashesInARow, leaveWithin, PARTITIONS_AT_ONCE, restartDelayMs } from './consumer-lifecycle';
import { Failure, handlerFailure, MAX_ERROR_MESSAGE_CHARS, writeDeadLetter } from './dead-letters';
import { decode, Decoded, placementFailure } from './decode';
import { EventPublisher } from './event-publisher';
import { inKeyLanes, LaneScope } from './key-lanes';
import { KafkaMessageContext } from './kafka-message.context';
import { contractTopic, KafkaSettings, physicalTopic } from './kafka-settings';
import { inLogContext, messageLogFields } from './log-context';
import { ConsumerControl, StateKeeper } from './state-keeper';
import { TopicProvisioner } from './topic-provisioner';
import { KAFKA_SETTINGS } from './tokens';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A NestJS transport over kafkajs that routes each message by its CloudEvents `type` to the
 * `@EventPattern(type)` handler of the service. It subscribes to the topics of the types the
 * service handles, with one consumer group per service, and:
 * - validates every message (size, JSON, input limits, CloudEvent, known type, data rules, topic
 *   and key); what fails goes to `mp.dead-letters.v1` with the reasons, and the consumer goes on;
 * - retries a handler that throws, with back-off, then dead-letters the message;
 * - handles a batch's messages in key lanes (`inKeyLanes`): one key's messages in order, different
 *   keys at once, `KAFKA_CONCURRENCY` at most, so their Redis and Kafka round trips overlap;
 * - commits an offset only after its message, and every one before it, was handled (or dead-lettered);
 * - re-creates its consumer when kafkajs gives up on it (a crash kafkajs does not restart itself);
 * - reaches Kafka in the background, so the service answers HTTP (health) meanwhile; a broker
 *   that does not answer at start is tried again like a crash, and `/health/ready` says why;
 * - on close, finishes the message in hand, commits, leaves the group, within a bounded time.
 *
 * Logs: each message is handled in a logging context (`inLogContext`), so every line written
 * meanwhile carries its topic, partition, offset, id, type, correlationid and causationid; one
 * line at debug says it was handled (the handlers log their decisions at info), a dead letter is
 * a warning; joining the group, a rebalance, a crash and leaving are info or error.
 */
@Injectable()
export class KafkaTransport extends Server implements CustomTransportStrategy, ConsumerControl {
  private readonly log = new Logger(KafkaTransport.name);
  private consumer?: Consumer;
  private state: ConsumerState = 'idle';
  private joinedWaiters: Array<() => void> = [];
  private crashes = 0;
  private startedAt = 0;
  private restarts = 0;
  /** Why the consumer last failed to start or crashed, for `/health/ready`. */
  private lastError?: string;
  private restartTimer?: NodeJS.Timeout;
  private keeper?: StateKeeper;
  /** What each key lane runs in (the folds' deferred writes), when the service has one. */
  private laneScope?: LaneScope;
  /** Per partition (`topic|partition`), the offset past the furthest message this instance has begun to handle. */
  private readonly begun = new Map<string, bigint>();
  private readonly topicLabels = new Map<string, string>();

  constructor(
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    private readonly kafka: Kafka,
    private readonly publisher: EventPublisher,
    private readonly topics: TopicProvisioner,
    @Optional() private readonly metrics?: ServiceMetrics,
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

  /**
   * Returns at once: Kafka is reached in the background, so that the service answers HTTP
   * (`/health/live`, and `/health/ready` saying what it waits for) while it connects and joins
   * its group, however long that takes; a start that fails is tried again like a crash.
   */
  listen(callback: (error?: unknown) => void): void {
    callback();
    this.state = 'starting';
    void this.start().catch((error: unknown) => {
      if (this.stopped()) return;
      this.state = 'restarting';
      this.crashes++;
      this.scheduleRestart(this.consumer, error, 'could not start consuming');
    });
  }

  /** Topics, producer and consumer: what a start, or a re-start after a crash, needs. */
  private async start(): Promise<void> {
    await this.topics.ensureTopics();
    await this.publisher.connect();
    if (this.subscribedTopics().length === 0) return;
    await this.runConsumer();
    this.log.log({ msg: `consuming ${this.subscribedTopics().join(', ')} as group ${this.settings.groupId}`, groupId: this.settings.groupId });
  }

  /** Creates, subscribes and runs a consumer; a crash kafkajs will not recover from re-creates it. */
  private async runConsumer(): Promise<void> {
    if (this.stopped()) return; // closed while Kafka was being reached
    this.state = 'starting';
    this.startedAt = Date.now();
    const consumer = this.kafka.consumer(consumerConfig(this.settings));
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      if (this.consumer !== consumer || this.stopped()) return;
      this.logJoined(event.payload);
      void this.keeper?.assigned(event.payload.memberAssignment).catch((error) => this.log.error(`state check after the rebalance failed: ${describeThrown(error)}`));
      this.state = 'joined';
      this.lastError = undefined;
      this.joinedWaiters.splice(0).forEach((resolve) => resolve());
    });
    consumer.on(consumer.events.REBALANCING, () => {
      if (this.consumer === consumer && !this.stopped()) this.log.log({ msg: `group ${this.settings.groupId} is rebalancing`, groupId: this.settings.groupId });
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => this.onCrash(consumer, payload.error, payload.restart));
    await consumer.connect();
    await consumer.subscribe({ topics: this.subscribedTopics().map((t) => physicalTopic(this.settings, t)), fromBeginning: true });
    if (this.stopped()) return consumer.disconnect(); // closed while it was being re-created
    await consumer.run({ partitionsConsumedConcurrently: PARTITIONS_AT_ONCE, autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.eachBatch(payload) });
  }

  /** One line per join: the group, this member, and the partitions it was given. */
  private logJoined({ groupId, memberId, isLeader, memberAssignment, duration }: { groupId: string; memberId: string; isLeader: boolean; memberAssignment: Record<string, number[]>; duration: number }): void {
    const partitions = Object.values(memberAssignment).reduce((sum, p) => sum + p.length, 0);
    this.log.log({ msg: `joined group ${groupId}${isLeader ? ' (leader)' : ''}: ${partitions} partition(s) assigned`, groupId, memberId, assignment: memberAssignment, durationMs: duration });
  }

  private onCrash(consumer: Consumer, error: Error, kafkajsRestarts: boolean): void {
    if (this.consumer !== consumer || this.stopped()) return;
    this.state = 'restarting';
    this.lastError = describeThrown(error);
    this.crashes = crashesInARow(this.crashes, Date.now() - this.startedAt);
    if (kafkajsRestarts) {
      this.log.error(`consumer crashed, kafkajs restarts it: ${describeThrown(error)}`);
      return;
    }
    this.scheduleRestart(consumer, error);
  }

  private scheduleRestart(crashed: Consumer | undefined, error: unknown, what = 'consumer crashed'): void {
    const delay = restartDelayMs(this.crashes);
    this.lastError = describeThrown(error);
    this.log.error(`${what} (${this.crashes} in a row): ${describeThrown(error)}; re-creating it in ${delay} ms`);
    this.restartTimer = setTimeout(() => void this.restart(crashed), delay);
  }

  private async restart(crashed: Consumer | undefined): Promise<void> {
    await crashed?.disconnect().catch(() => undefined);
    if (this.stopped()) return;
    this.restarts++;
    try {
      await this.start();
    } catch (error) {
      if (this.stopped()) return;
      const failed = this.consumer ?? crashed;
      this.state = 'restarting';
      this.crashes++;
      this.scheduleRestart(failed, error);
    }
  }

  private stopped(): boolean {
    return this.state === 'stopped';
  }

  /** Resolves once the consumer has joined its group and been given partitions. */
  whenJoined(): Promise<void> {
    if (this.state === 'joined') return Promise.resolve();
    return new Promise((resolve) => this.joinedWaiters.push(resolve));
  }

  /** True while the service's state is being built from the topics (at start, after Redis was lost). */
  stateBuilding(): boolean {
    return this.keeper?.building() ?? false;
  }

  isJoined(): boolean {
    return this.state === 'joined';
  }

  /** The consumer's state, how often it was re-created after a crash, and why it last failed (for health and tests). */
  consumerStatus(): { state: ConsumerState; restarts: number; lastError?: string } {
    return { state: this.state, restarts: this.restarts, ...(this.lastError ? { lastError: this.lastError } : {}) };
  }

  /** What each key lane of a batch runs in: a service whose folds write once per lane sets it (`LaneFolds`). */
  useLaneScope(scope: LaneScope): void {
    this.laneScope = scope;
  }

  /** Who keeps the service's state in step with the topics: told of rebalances and of each message handled. */
  useStateKeeper(keeper: StateKeeper): void {
    this.keeper = keeper;
  }

  /**
   * Starts a partition over from its first message. The batch in hand stops before its next
   * message. Returns the offset past every message of the partition this instance has begun to
   * handle (0 when none): nothing beyond it was handled before the rewind.
   */
  seekToBeginning(topic: string, partition: number): bigint {
    this.consumer?.seek({ topic, partition, offset: '0' });
    return this.begun.get(`${topic}|${partition}`) ?? 0n;
  }

  pause(topics: string[]): void {
    this.consumer?.pause(topics.map((topic) => ({ topic })));
  }

  resume(topics: string[]): void {
    this.consumer?.resume(topics.map((topic) => ({ topic })));
  }

  /**
   * A fetched batch of one partition, in chunks of `KAFKA_CONCURRENCY` messages: each chunk's
   * messages run in key lanes (one customer's in order, different customers at once), then the
   * chunk's handled prefix is resolved, and the batch's last handled offset is committed.
   */
  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const stop = () => !isRunning() || isStale();
    let lastHandled: string | undefined;
    try {
      for (let from = 0; from < batch.messages.length && !stop(); from += this.settings.concurrency) {
        const chunk = batch.messages.slice(from, from + this.settings.concurrency).map((message) => this.read(message));
        const outcome = await this.whileBeating(heartbeat, () =>
          inKeyLanes(
            chunk,
            (read) => read.lane,
            ({ message, decoded }) => {
              this.noteBegun(topic, partition, message.offset);
              return this.process(topic, partition, message, decoded);
            },
            stop,
            this.laneScope,
          ),
        );
        for (const { message } of chunk.slice(0, outcome.done)) {
          resolveOffset(message.offset);
          lastHandled = message.offset;
          // Started over meanwhile: this message comes again in the replay; it says nothing of the replay's progress.
          if (!isStale()) this.keeper?.handled(topic, partition, message.offset);
        }
        if (outcome.failure) throw outcome.failure.error;
        if (outcome.done < chunk.length) break;
        await heartbeat();
      }
    } finally {
      if (lastHandled !== undefined) {
        const offset = (BigInt(lastHandled) + 1n).toString();
        this.metrics?.consumerLag.set({ topic: this.topicLabel(topic), partition: String(partition) }, Number(BigInt(batch.highWatermark) - BigInt(offset)));
        await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] });
      }
    }
  }

  /** The contract topic of a physical one, as a metric label: worked out once per topic. */
  private topicLabel(physical: string): string {
    let label = this.topicLabels.get(physical);
    if (label === undefined) this.topicLabels.set(physical, (label = contractTopic(this.settings, physical)));
    return label;
  }

  private noteBegun(topic: string, partition: number, offset: string): void {
    const k = `${topic}|${partition}`;
    const next = BigInt(offset) + 1n;
    if (next > (this.begun.get(k) ?? 0n)) this.begun.set(k, next);
  }

  /**
   * Keeps the group membership alive while messages are handled: a handler with retries (a
   * webhook with back-off) may take longer than the session timeout, and kafkajs only beats when
   * asked to.
   */
  private async whileBeating<T>(heartbeat: () => Promise<void>, work: () => Promise<T>): Promise<T> {
    const beat = setInterval(() => void heartbeat().catch(() => undefined), this.settings.heartbeatIntervalMs);
    try {
      return await work();
    } finally {
      clearInterval(beat);
    }
  }

  /**
   * A message decoded, and its lane: the customer (or partner) it is about, as its type keys it,
   * so that one customer's messages keep their order even when one came without a Kafka key; a
   * message that cannot be read goes by its Kafka key.
   */
  private read(message: KafkaMessage): { message: KafkaMessage; decoded: Decoded; lane: string } {
    const decoded = decode(message.value, { maxMessageBytes: this.settings.maxMessageBytes });
    const lane = decoded.ok ? specOf(decoded.envelope.type).keyOf(decoded.envelope.data as never) : (message.key?.toString('utf8') ?? '');
    return { message, decoded, lane };
  }

  /**
   * Route, retry, dead-letter: one decoded message. Nothing the message or its handler does is
   * thrown out of here; only a dead letter that cannot be written is (the consumer then restarts
   * and reads the message again, so it is never skipped).
   */
  private async process(topic: string, partition: number, message: KafkaMessage, decoded: Decoded): Promise<void> {
    this.metrics?.consumed.inc({ topic: this.topicLabel(topic), type: decoded.ok ? decoded.envelope.type : 'invalid' });
    const replay = this.keeper?.isReplay(topic, partition, message.offset) ?? false;
    const fields = messageLogFields(topic, partition, message, decoded.ok ? decoded.envelope : undefined, replay);
    if (!decoded.ok) return inLogContext(fields, () => this.deadLetter(topic, partition, message, { ...decoded, attempts: 1, ...failedNow() }));
    const envelope = decoded.envelope;
    const misplaced = placementFailure(envelope, { topic, key: message.key }, this.settings.namespace);
    if (misplaced) return inLogContext(fields, () => this.deadLetter(topic, partition, message, { ...misplaced, errors: [], attempts: 1, ...failedNow() }));
    // Looked up by type directly: Nest's getHandlerByPattern tries JSON.parse on every pattern.
    const handler = this.messageHandlers.get(envelope.type);
    if (!handler) return; // a valid message of a type this service has no business with

    const timer = this.metrics?.handlerDuration.startTimer({ type: envelope.type });
    try {
      await inLogContext(fields, () => this.handle(topic, partition, message, envelope, handler));
    } finally {
      timer?.();
    }
  }

  /** The handler, retried with back-off; dead-letters the message when it fails for good. */
  private async handle(topic: string, partition: number, message: KafkaMessage, envelope: CloudEvent, handler: MessageHandler): Promise<void> {
    let firstFailureAt: Date | undefined;
    const began = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const context = new KafkaMessageContext([topic, partition, message, attempt, this.keeper?.isReplay(topic, partition, message.offset) ?? false]);
        await lastValueFrom(this.transformToObservable(await handler(envelope, context)), { defaultValue: undefined });
        // At debug: one line per message under load would be too many; decisions are logged at info by their handlers.
        this.log.debug({ msg: `${envelope.type} handled`, outcome: 'handled', attempts: attempt, durationMs: Date.now() - began });
        return;
      } catch (error) {
        firstFailureAt ??= new Date();
        const failure = handlerFailure(error, attempt, firstFailureAt, new Date());
        this.log.warn({ msg: `${envelope.type} handler failed (attempt ${attempt} of ${this.settings.handlerAttempts}): ${truncated(failure.message)}`, errorClass: failure.errorClass, attempt });
        if (attempt >= this.settings.handlerAttempts) return this.deadLetter(topic, partition, message, failure);
        await sleep(this.settings.retryBackoffMs * 2 ** (attempt - 1));
      }
    }
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, failure: Failure): Promise<void> {
    // Consumed again to rebuild a lost state: it was dead-lettered the first time.
    if (this.keeper?.isReplay(topic, partition, message.offset)) return;
    this.metrics?.deadLetters.inc({ topic: this.topicLabel(topic), error_class: failure.errorClass });
    const provenance = { topic, partition, offset: message.offset, groupId: this.settings.groupId };
    const written = await writeDeadLetter((letter) => this.publisher.sendRaw(Topics.deadLetters, [letter]), message, provenance, failure);
    const what = { outcome: 'dead-lettered', errorClass: failure.errorClass, attempts: failure.attempts, errors: failure.errors.slice(0, 10) };
    if (written === 'stripped') this.log.error({ ...what, msg: `dead letter written without the original (the dead-letter topic refused it whole): ${failure.errorClass}: ${truncated(failure.message)}` });
    else this.log.warn({ ...what, msg: `dead letter written: ${failure.errorClass}: ${truncated(failure.message)}` });
  }

  /** Stops fetching, lets the message in hand finish, commits, leaves the group; gives up after a bounded time. */
  async close(): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.restartTimer);
    if (!this.consumer) return;
    const outcome = await leaveWithin(this.consumer, CONSUMER_LEAVE_BUDGET_MS);
    if (outcome === 'late') this.log.error(`the consumer did not leave its group within ${CONSUMER_LEAVE_BUDGET_MS} ms; going on with the shutdown`);
    else if (outcome instanceof Error) this.log.warn(`consumer disconnect: ${describeThrown(outcome)}`);
    else this.log.log({ msg: `committed and left group ${this.settings.groupId}`, groupId: this.settings.groupId });
  }

  on(): void {
    throw new Error('KafkaTransport emits no events to subscribe to.');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}

function failedNow(): Pick<Failure, 'firstFailureAt' | 'lastFailureAt'> {
  const now = new Date();
  return { firstFailureAt: now, lastFailureAt: now };
}

/** A failure's text in a log line: bounded, as a handler may throw anything. */
function truncated(text: string, max = MAX_ERROR_MESSAGE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
