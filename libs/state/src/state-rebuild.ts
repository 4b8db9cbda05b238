import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { TopicName, Topics } from '@mp/contracts';
import { KAFKA_SETTINGS, KafkaSettings, KafkaTransport, physicalTopic, StateKeeper } from '@mp/messaging';
import { LuaScript, REDIS, RedisClient, SpreadCopies } from '@mp/redis';
import { Admin, Kafka } from 'kafkajs';
import { CustomerStore } from './stores';

const CHECK_EVERY_MS = 1_000;

/** Deletes the generation marker (KEYS[1]) if it still holds ARGV[1]. */
const FORGET_GENERATION = new LuaScript<number>(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`);

export const HELD_WHILE_REBUILDING = Symbol('HELD_WHILE_REBUILDING');
/** What a deciding service holds back while its state is rebuilt: the commands. */
export const COMMAND_TOPICS: readonly TopicName[] = [Topics.requestCommands, Topics.consentCommands];
const key = (topic: string, partition: number) => `${topic}|${partition}`;

/**
 * Where one partition stands in the state's rebuild, as kept in Redis (one field per partition):
 * `built`, or still being consumed again (`building` for a partition of the state, `replaying`
 * for a held one) up to its replay horizon. Kept with the horizon, so that an instance that takes
 * over a half-done rebuild (the one doing it was killed) starts it over with the same horizon.
 */
export type PartitionBuild = { generation: string; status: 'built' } | { generation: string; status: 'building' | 'replaying'; horizon: bigint };

export function formatBuild(build: PartitionBuild): string {
  return build.status === 'built' ? `${build.generation}|built` : `${build.generation}|${build.status}|${build.horizon}`;
}

export function parseBuild(value: string | null | undefined): PartitionBuild | undefined {
  const [generation, status, horizon] = (value ?? '').split('|');
  if (!generation) return undefined;
  if (status === 'built') return { generation, status };
  if (status === 'building' || status === 'replaying') return { generation, status, horizon: /^\d+$/.test(horizon ?? '') ? BigInt(horizon) : 0n };
  return undefined;
}

/**
 * The replay horizon of a partition started over: every offset below it had been consumed before
 * the state was lost, so its effects are out already (events, dead letters, notifications) and it
 * is folded again whatever the seen ids say. The furthest of what the group committed, what this
 * instance had begun to handle (a batch in hand is not committed yet), and what an earlier,
 * unfinished rebuild of the same generation had found.
 */
export function replayHorizon(...offsets: Array<bigint | undefined>): bigint {
  return offsets.reduce<bigint>((max, offset) => (offset !== undefined && offset > max ? offset : max), 0n);
}

/**
 * Redis is disposable (DESIGN §7): a service's state is rebuilt from the topics when it is lost.
 *
 * Redis holds a generation marker (`<service>:state:generation`, a random id set when missing)
 * and, per partition the service consumes, where it stands under that generation
 * (`<service>:state:partitions`, a `PartitionBuild`). When the marker is gone (Redis wiped, keys
 * deleted), or a partition was never built under the current generation, the instance that owns
 * the partition consumes it again from the beginning: folds are idempotent, and the events a
 * service produced mark their causes as seen again, so nothing is decided twice. What was
 * consumed before the loss (below the replay horizon) is a replay: folded again whatever the
 * seen ids say, no dead letter and no notification sent again. Meanwhile the command topics are
 * held back until every state partition of the group has caught up with where it stood when the
 * rebuild began, so no decision is taken on a half-built state (a service names what it holds
 * back: its commands, or for the notification-service the events it notifies of); then the
 * commands are replayed too, so that those that were waiting are decided again. A partition left
 * half-done (its instance killed, or a rebalance in between) is started over with its horizon.
 * Checked at every rebalance and every second.
 */
@Injectable()
export class StateRebuild implements StateKeeper, OnApplicationShutdown {
  private readonly log = new Logger(StateRebuild.name);
  private readonly generationKey: string;
  private readonly partitionsKey: string;
  /** On a Redis Cluster, the generation again on every master: a master that lost its data lost its copy. */
  private readonly copies: SpreadCopies;
  /** Topics whose messages act on the state (commands; a notifier's events): held back while it is built. */
  private readonly heldTopics: Set<string>;
  private readonly admin: Admin;
  private readonly timer: NodeJS.Timeout;
  private assignment: Record<string, number[]> = {};
  /** The generation this instance's positions belong to. */
  private generation?: string;
  /** Own partitions being consumed again: their replay horizon (see `replayHorizon`). */
  private readonly replayUntil = new Map<string, bigint>();
  /**
   * Own partitions started over and not done yet: the offset to reach, and whether the partition
   * is one of the held topics (done when its replay is) or of the state (done when caught up
   * with its end as it was when the state was lost).
   */
  private readonly rebuilding = new Map<string, { target: bigint; held: boolean }>();
  /** Own partitions started over: the next offset the replay has reached, counted from the rewind. */
  private readonly reached = new Map<string, bigint>();
  private commandsHeld = false;
  private allStatePartitions?: string[];
  private checking?: Promise<void>;
  /** Since when this instance rebuilds, and how many partitions: logged once the state is built again. */
  private rebuildBegan?: { at: number; partitions: number };
  /** The last check's failure, logged once until it changes or the check works again. */
  private checkFailure?: string;

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    kafka: Kafka,
    customers: CustomerStore,
    private readonly transport: KafkaTransport,
    @Inject(HELD_WHILE_REBUILDING) held: readonly TopicName[],
  ) {
    this.generationKey = `${customers.service}:state:generation`;
    this.partitionsKey = `${customers.service}:state:partitions`;
    this.copies = new SpreadCopies(redis, this.generationKey);
    this.heldTopics = new Set(held.map((t) => physicalTopic(settings, t)));
    this.admin = kafka.admin();
    transport.useStateKeeper(this);
    this.timer = setInterval(() => void this.check().then(() => this.checkWorked(), (error) => this.checkFailed(error)), CHECK_EVERY_MS);
    this.timer.unref();
  }

  /** A failing check (Redis or Kafka unreachable) is logged when it begins and when it changes, not every second. */
  private checkFailed(error: unknown): void {
    const failure = error instanceof Error ? error.message : String(error);
    if (failure !== this.checkFailure) this.log.warn(`state check failed: ${failure}; trying again every ${CHECK_EVERY_MS} ms`);
    this.checkFailure = failure;
  }

  private checkWorked(): void {
    if (this.checkFailure !== undefined) this.log.log('state check works again');
    this.checkFailure = undefined;
  }

  /** True while this service's state is being built anywhere in its group: its answers would be incomplete. */
  building(): boolean {
    return this.commandsHeld || [...this.rebuilding.values()].some((r) => !r.held);
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
    for (const k of [...this.replayUntil.keys()]) if (!own.has(k)) this.replayUntil.delete(k);
    // A rebalance forgets where a rewound partition stood (the consumer reads the committed offsets
    // again, and a rewind not committed yet is lost): each partition still being rebuilt is started
    // over by the check below, with the horizon kept in Redis.
    this.rebuilding.clear();
    this.reached.clear();
    // Held at once, before the first fetch: the check below lets them go if the state is built.
    this.hold(true);
    await this.check();
  }

  handled(topic: string, partition: number, offset: string): void {
    const k = key(topic, partition);
    if (!this.reached.has(k)) return;
    this.reached.set(k, BigInt(offset) + 1n);
    const target = this.rebuilding.get(k)?.target;
    if (target !== undefined && BigInt(offset) + 1n >= target) void this.done(topic, partition);
  }

  isReplay(topic: string, partition: number, offset: string): boolean {
    const until = this.replayUntil.get(key(topic, partition));
    return until !== undefined && BigInt(offset) < until;
  }

  /** The generation of the state in Redis: a new one begun (its copies written) when the marker is missing. */
  private async currentGeneration(): Promise<string> {
    const candidate = randomUUID();
    if ((await this.redis.set(this.generationKey, candidate, 'NX')) === 'OK') await this.copies.write(candidate);
    return (await this.redis.get(this.generationKey))!;
  }

  /** One check at a time: is the marker there, are own partitions of this generation, may commands run. */
  check(): Promise<void> {
    this.checking ??= this.checkOnce().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    let generation = await this.currentGeneration();
    // One master of a Redis Cluster lost with its data took a part of the state, and maybe not the
    // marker: its copy of the generation tells. The marker goes, as in any loss, and a new generation begins.
    if (generation === this.generation && !(await this.copies.intact(generation))) {
      this.log.warn(`a part of the state in Redis is gone (a master of the Redis Cluster lost its data): rebuilding it from the topics`);
      await FORGET_GENERATION.run(this.redis, [this.generationKey], [generation]);
      generation = await this.currentGeneration();
    }
    if (generation !== this.generation) {
      if (this.generation) this.log.warn(`the state in Redis is of a new generation (${generation}): rebuilding it from the topics`);
      this.generation = generation;
      this.replayUntil.clear();
      this.rebuilding.clear();
      this.reached.clear();
    }
    const own = Object.entries(this.assignment).flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })));
    if (own.length > 0) {
      const builds = (await this.redis.hmget(this.partitionsKey, ...own.map((p) => key(p.topic, p.partition)))).map(parseBuild);
      // Never built under this generation (start over), or left half-done by an instance that is gone (start over, up to its horizon).
      const stale = own
        .map((p, i) => ({ ...p, build: builds[i]?.generation === generation ? builds[i] : undefined }))
        .filter(({ topic, partition, build }) => !build || (build.status !== 'built' && !this.rebuilding.has(key(topic, partition))))
        .map(({ topic, partition, build }) => ({ topic, partition, horizon: build?.status === 'built' ? undefined : build?.horizon }));
      if (stale.length > 0) await this.rebuild(stale, generation);
    }
    await this.holdCommandsUnlessBuilt(generation);
  }

  /**
   * Starts partitions over from their first message. Each is consumed again up to its replay
   * horizon as a replay; a partition of the state is done when it has caught up with its end, a
   * held one (commands) when its replay is over: until then an instance that takes it over
   * starts it over again.
   */
  private async rebuild(partitions: Array<{ topic: string; partition: number; horizon?: bigint }>, generation: string): Promise<void> {
    // Held first: from here on nothing acts on the state about to be rebuilt.
    this.hold(true);
    await this.admin.connect();
    const topics = [...new Set(partitions.map((p) => p.topic))];
    const committed = await this.admin.fetchOffsets({ groupId: this.settings.groupId, topics });
    // Rewound and given their horizon at once, with no await in between: a message fetched again
    // after the rewind is already known as a replay (were it not, one handled on the lost state
    // between the loss and its discovery would be skipped as seen, and its effect lost), and no
    // message of these partitions is begun again before, so all begun so far is below the horizon.
    for (const p of partitions) {
      const offset = BigInt(committed.find((t) => t.topic === p.topic)?.partitions.find((c) => c.partition === p.partition)?.offset ?? '-1');
      this.replayUntil.set(k(p), replayHorizon(offset, this.transport.seekToBeginning(p.topic, p.partition), p.horizon));
      this.reached.set(k(p), 0n);
    }
    const ends = new Map<string, bigint>();
    for (const topic of topics) {
      for (const p of await this.admin.fetchTopicOffsets(topic)) ends.set(key(topic, p.partition), BigInt(p.high));
    }
    const fields: string[] = [];
    const done: Array<{ topic: string; partition: number }> = [];
    for (const p of partitions) {
      const horizon = this.replayUntil.get(k(p))!;
      const held = this.heldTopics.has(p.topic);
      const target = held ? horizon : (ends.get(k(p)) ?? 0n);
      this.rebuilding.set(k(p), { target, held });
      fields.push(k(p), formatBuild({ generation, status: held ? 'replaying' : 'building', horizon }));
      // Caught up already (nothing to consume, or consumed while the offsets were read).
      if ((this.reached.get(k(p)) ?? 0n) >= target) done.push(p);
    }
    await this.redis.hset(this.partitionsKey, ...fields);
    this.rebuildBegan ??= { at: Date.now(), partitions: 0 };
    this.rebuildBegan.partitions += partitions.length;
    this.log.log({
      msg: `rebuilding the state of ${partitions.length} partition(s) from the beginning: ${partitions.map((p) => `${k(p)} (replay below ${this.replayUntil.get(k(p))})`).join(', ')}`,
      generation,
      partitions: partitions.map((p) => ({ topic: p.topic, partition: p.partition, replayBelow: String(this.replayUntil.get(k(p))) })),
    });
    // Within the check under way, which goes on to let the commands go if all is built.
    for (const p of done) await this.finish(k(p));
  }

  /** A partition started over is done (caught up, or replayed): then commands may run again if it was the last. */
  private async done(topic: string, partition: number): Promise<void> {
    if (await this.finish(key(topic, partition))) await this.check();
  }

  /** Records a partition started over as built; false when it was not being rebuilt (any more). */
  private async finish(k: string): Promise<boolean> {
    const generation = this.generation;
    if (!this.rebuilding.has(k) || !generation) return false;
    // Written before it leaves `rebuilding`: a check in between must not take it for abandoned.
    await this.redis.hset(this.partitionsKey, k, formatBuild({ generation, status: 'built' }));
    if (generation !== this.generation || !this.rebuilding.delete(k)) return false;
    this.reached.delete(k);
    this.log.debug(`${k} rebuilt`);
    return true;
  }

  /** Commands wait while any state partition of the group (any instance's) is not built under this generation. */
  private async holdCommandsUnlessBuilt(generation: string): Promise<void> {
    const built = await this.redis.hgetall(this.partitionsKey);
    const statePartitions = await this.statePartitions();
    const isBuilt = (k: string) => built[k] === formatBuild({ generation, status: 'built' });
    this.hold([...this.rebuilding.values()].some((r) => !r.held) || !statePartitions.every(isBuilt));
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
      this.logBuilt();
    }
  }

  /** The state is built in the whole group: once per rebuild this instance took part in, at info. */
  private logBuilt(): void {
    const began = this.rebuildBegan;
    this.rebuildBegan = undefined;
    if (began) this.log.log({ msg: `state rebuilt from the topics: ${began.partitions} partition(s) here, in ${Date.now() - began.at} ms; held topics resume`, durationMs: Date.now() - began.at });
    else this.log.debug('state built: held topics resume');
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
