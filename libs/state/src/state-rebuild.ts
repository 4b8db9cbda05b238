import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { TopicName, Topics } from '@mp/contracts';
import { KAFKA_SETTINGS, KafkaSettings, KafkaTransport, physicalTopic, StateKeeper } from '@mp/messaging';
import { REDIS } from '@mp/redis';
import type { Redis } from 'ioredis';
import { Admin, Kafka } from 'kafkajs';
import { CustomerStore } from './stores';

const CHECK_EVERY_MS = 1_000;

export const HELD_WHILE_REBUILDING = Symbol('HELD_WHILE_REBUILDING');
/** What a deciding service holds back while its state is rebuilt: the commands. */
export const COMMAND_TOPICS: readonly TopicName[] = [Topics.requestCommands, Topics.consentCommands];
const key = (topic: string, partition: number) => `${topic}|${partition}`;

/**
 * Redis is disposable (DESIGN §7): a service's state is rebuilt from the topics when it is lost.
 *
 * Redis holds a generation marker (`<service>:state:generation`, a random id set when missing)
 * and, per partition the service consumes, the generation its state was built under
 * (`<service>:state:partitions`). When the marker is gone (Redis wiped, keys deleted), or a
 * partition was built under another generation, the instance that owns the partition consumes
 * it again from the beginning: folds are idempotent, and the events a service produced mark
 * their causes as seen again, so nothing is decided twice. Meanwhile the command topics are
 * held back until every state partition of the group has caught up with where it stood when
 * the rebuild began, so no decision is taken on a half-built state (a service names what it holds
 * back: its commands, or for the notification-service the events it notifies of); messages consumed before
 * the loss are replays (no dead letter, no notification sent again). Checked at every
 * rebalance and every second.
 */
@Injectable()
export class StateRebuild implements StateKeeper, OnApplicationShutdown {
  private readonly log = new Logger(StateRebuild.name);
  private readonly generationKey: string;
  private readonly partitionsKey: string;
  /** Topics whose messages act on the state (commands; a notifier's events): held back while it is built. */
  private readonly heldTopics: Set<string>;
  private readonly admin: Admin;
  private readonly timer: NodeJS.Timeout;
  private assignment: Record<string, number[]> = {};
  /** The generation this instance's positions belong to. */
  private generation?: string;
  /** Own partitions being consumed again: where they stood (next offset) when the state was lost. */
  private readonly replayUntil = new Map<string, bigint>();
  /** Own state partitions not caught up yet: the end offset to reach. */
  private readonly catchingUp = new Map<string, bigint>();
  private commandsHeld = false;
  private allStatePartitions?: string[];
  private checking?: Promise<void>;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    kafka: Kafka,
    customers: CustomerStore,
    private readonly transport: KafkaTransport,
    @Inject(HELD_WHILE_REBUILDING) held: readonly TopicName[],
  ) {
    this.generationKey = `${customers.service}:state:generation`;
    this.partitionsKey = `${customers.service}:state:partitions`;
    this.heldTopics = new Set(held.map((t) => physicalTopic(settings, t)));
    this.admin = kafka.admin();
    transport.useStateKeeper(this);
    this.timer = setInterval(() => void this.check().catch((error) => this.log.warn(`state check failed: ${(error as Error).message}`)), CHECK_EVERY_MS);
    this.timer.unref();
  }

  /** True while this service's state is being built anywhere in its group: its answers would be incomplete. */
  building(): boolean {
    return this.commandsHeld || this.catchingUp.size > 0;
  }

  /** True when Redis no longer holds this service's state (its generation marker is gone). */
  async lost(): Promise<boolean> {
    return (await this.redis.exists(this.generationKey)) === 0;
  }

  /**
   * True when the state in Redis is not the one this instance has been building on: its marker
   * is gone, or another instance found it gone and began a new generation this one has not seen yet.
   */
  async stale(): Promise<boolean> {
    const generation = await this.redis.get(this.generationKey);
    return this.generation !== undefined && generation !== this.generation;
  }

  async assigned(assignment: Record<string, number[]>): Promise<void> {
    this.assignment = assignment;
    // Partitions gone to another instance are its to finish: waiting on them here would hold forever.
    const own = new Set(Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((partition) => key(topic, partition))));
    for (const k of [...this.catchingUp.keys()]) if (!own.has(k)) this.catchingUp.delete(k);
    for (const k of [...this.replayUntil.keys()]) if (!own.has(k)) this.replayUntil.delete(k);
    // Held at once, before the first fetch: the check below lets them go if the state is built.
    this.hold(true);
    await this.check();
  }

  handled(topic: string, partition: number, offset: string): void {
    const target = this.catchingUp.get(key(topic, partition));
    if (target !== undefined && BigInt(offset) + 1n >= target) void this.caughtUp(topic, partition);
  }

  isReplay(topic: string, partition: number, offset: string): boolean {
    const until = this.replayUntil.get(key(topic, partition));
    return until !== undefined && BigInt(offset) < until;
  }

  /** One check at a time: is the marker there, are own partitions of this generation, may commands run. */
  check(): Promise<void> {
    this.checking ??= this.checkOnce().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    await this.redis.set(this.generationKey, randomUUID(), 'NX');
    const generation = (await this.redis.get(this.generationKey))!;
    if (generation !== this.generation) {
      if (this.generation) this.log.warn(`the state in Redis is of a new generation (${generation}): rebuilding it from the topics`);
      this.generation = generation;
      this.replayUntil.clear();
      this.catchingUp.clear();
    }
    const own = Object.entries(this.assignment).flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })));
    if (own.length > 0) {
      const built = await this.redis.hmget(this.partitionsKey, ...own.map((p) => key(p.topic, p.partition)));
      // Never built under this generation, or left half-built by an instance that is gone: start over.
      const stale = own.filter(({ topic, partition }, i) => {
        const state = built[i];
        if (state === null || !state.startsWith(`${generation}|`)) return true;
        return state.endsWith('|building') && !this.catchingUp.has(key(topic, partition));
      });
      if (stale.length > 0) await this.rebuild(stale, generation);
    }
    await this.holdCommandsUnlessBuilt(generation);
  }

  /** Starts partitions over: where they stood becomes the replay horizon, their end the target to reach. */
  private async rebuild(partitions: Array<{ topic: string; partition: number }>, generation: string): Promise<void> {
    await this.admin.connect();
    const topics = [...new Set(partitions.map((p) => p.topic))];
    const committed = await this.admin.fetchOffsets({ groupId: this.settings.groupId, topics });
    const ends = new Map<string, bigint>();
    for (const topic of topics) {
      for (const p of await this.admin.fetchTopicOffsets(topic)) ends.set(key(topic, p.partition), BigInt(p.high));
    }
    // Held before anything is rewound, so nothing acts on a state that is about to be rebuilt.
    this.hold(true);
    const fields: string[] = [];
    for (const { topic, partition } of partitions) {
      const k = key(topic, partition);
      const offset = committed.find((t) => t.topic === topic)?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
      this.replayUntil.set(k, BigInt(offset) < 0n ? 0n : BigInt(offset));
      const end = ends.get(k) ?? 0n;
      if (this.heldTopics.has(topic) || end === 0n) {
        fields.push(k, `${generation}|built`);
      } else {
        this.catchingUp.set(k, end);
        fields.push(k, `${generation}|building`);
      }
      this.transport.seekToBeginning(topic, partition);
    }
    await this.redis.hset(this.partitionsKey, ...fields);
    this.log.log(`rebuilding the state of ${partitions.length} partition(s) from the beginning: ${partitions.map((p) => k(p)).join(', ')}`);
  }

  private async caughtUp(topic: string, partition: number): Promise<void> {
    const k = key(topic, partition);
    if (!this.catchingUp.has(k) || !this.generation) return;
    // Written before it leaves `catchingUp`: a check in between must not take it for abandoned.
    await this.redis.hset(this.partitionsKey, k, `${this.generation}|built`);
    if (!this.catchingUp.delete(k)) return;
    this.log.log(`${k} caught up`);
    await this.check();
  }

  /** Commands wait while any state partition of the group (any instance's) is not built under this generation. */
  private async holdCommandsUnlessBuilt(generation: string): Promise<void> {
    const built = await this.redis.hgetall(this.partitionsKey);
    const statePartitions = await this.statePartitions();
    this.hold(this.catchingUp.size > 0 || statePartitions.some((k) => built[k] !== `${generation}|built`));
  }

  /** Pauses or resumes the held topics of this instance's assignment (always again when asked to hold: a rebalance resets pauses). */
  private hold(held: boolean): void {
    const topics = Object.keys(this.assignment).filter((t) => this.heldTopics.has(t));
    if (held) {
      this.commandsHeld = true;
      if (topics.length) this.transport.pause(topics);
    } else if (this.commandsHeld) {
      this.commandsHeld = false;
      if (topics.length) this.transport.resume(topics);
    }
  }

  /** Every partition of the state topics the service consumes (whoever owns it), read once. */
  private async statePartitions(): Promise<string[]> {
    if (this.allStatePartitions) return this.allStatePartitions;
    await this.admin.connect();
    const topics = this.transport.subscribedTopics().map((t) => physicalTopic(this.settings, t)).filter((t) => !this.heldTopics.has(t));
    const found: string[] = [];
    for (const topic of topics) for (const p of await this.admin.fetchTopicOffsets(topic)) found.push(key(topic, p.partition));
    this.allStatePartitions = found;
    return found;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.checking?.catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}

function k(p: { topic: string; partition: number }): string {
  return key(p.topic, p.partition);
}
