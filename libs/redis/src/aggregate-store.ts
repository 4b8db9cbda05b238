import type { Redis } from 'ioredis';
import { KeyedLock } from './keyed-lock';

/** Compare-and-set of one aggregate, and the id of the message that changed it, in one script. */
const CAS_SCRIPT = `
local v = redis.call('HGET', KEYS[1], 'v')
if (v or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', tostring(tonumber(ARGV[1]) + 1), 'doc', ARGV[2])
if ARGV[3] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[5]) + 1))
end
return 1
`;

/** How many handled message ids an aggregate remembers, for de-duplication of redeliveries. */
const SEEN_KEPT = 5000;

export class ConcurrentUpdateError extends Error {}

export interface Loaded<S> {
  state: S;
  version: string;
  seen: boolean;
  /** The stored JSON, to tell whether a step changed anything. */
  doc: string | null;
}

type WithCompareAndSet = Redis & {
  mpCompareAndSet(doc: string, seen: string, version: string, json: string, messageId: string, now: number, kept: number): Promise<number>;
};

/**
 * Aggregates (a customer's state, a partner's state) as JSON in Redis, one hash per aggregate.
 * Keys carry the aggregate id as a hash tag, and every script touches one tag only, so it runs
 * unchanged on Redis Cluster. Writes are compare-and-set on a version, so two writers never
 * overwrite each other silently, and they record the message id that caused them.
 */
export class AggregateStore<S> {
  private readonly lock = new KeyedLock();

  private readonly redis: WithCompareAndSet;

  constructor(
    redis: Redis,
    /** The owner and kind, e.g. `request:customer`: each service keeps its own copy. */
    private readonly namespace: string,
    private readonly initial: (id: string) => S,
  ) {
    // A defined command runs by EVALSHA: the script is sent once, not with every write.
    if (!('mpCompareAndSet' in redis)) redis.defineCommand('mpCompareAndSet', { numberOfKeys: 2, lua: CAS_SCRIPT });
    this.redis = redis as WithCompareAndSet;
  }

  docKey(id: string): string {
    return `${this.namespace}:{${id}}`;
  }

  private seenKey(id: string): string {
    return `${this.namespace}:{${id}}:seen`;
  }

  async load(id: string, messageId?: string): Promise<Loaded<S>> {
    const pipeline = this.redis.pipeline().hmget(this.docKey(id), 'v', 'doc');
    if (messageId) pipeline.zscore(this.seenKey(id), messageId);
    const results = (await pipeline.exec()) ?? [];
    const [error, fields] = results[0] ?? [];
    if (error) throw error;
    const [version, doc] = fields as [string | null, string | null];
    const seen = messageId ? results[1]?.[1] != null : false;
    return { state: doc ? (JSON.parse(doc) as S) : this.initial(id), version: version ?? '0', seen, doc };
  }

  async get(id: string): Promise<S | undefined> {
    const doc = await this.redis.hget(this.docKey(id), 'doc');
    return doc ? (JSON.parse(doc) as S) : undefined;
  }

  /** One HGET per aggregate: auto-pipelined into about one round trip, and valid on Redis Cluster. */
  async getMany(ids: string[]): Promise<Map<string, S>> {
    const docs = await Promise.all(ids.map((id) => this.redis.hget(this.docKey(id), 'doc')));
    const found = new Map<string, S>();
    docs.forEach((doc, i) => doc && found.set(ids[i], JSON.parse(doc) as S));
    return found;
  }

  private async save(id: string, version: string, json: string, messageId = ''): Promise<void> {
    const written = await this.redis.mpCompareAndSet(this.docKey(id), this.seenKey(id), version, json, messageId, Date.now(), SEEN_KEPT);
    if (written !== 1) throw new ConcurrentUpdateError(`${this.docKey(id)} changed under us (version ${version})`);
  }

  /** Called after each write, for indexes derived from the new state. */
  protected async saved(_id: string, _state: S, _previous: S): Promise<void> {}

  /**
   * Reads the aggregate, lets `step` decide and do its effects (publish events) and return the
   * next state, then writes it with the message id. A message already seen is skipped, so a
   * redelivery applies nothing twice. Effects come before the write: a crash in between replays
   * the same decision with the same derived event ids, which consumers de-duplicate.
   *
   * `skipUnchanged`: for folds, which are idempotent, a step that changes nothing writes nothing
   * (a service folding back its own events, a replay).
   */
  update(id: string, messageId: string, step: (state: S) => Promise<S> | S, { skipUnchanged = false } = {}): Promise<S> {
    return this.lock.run(id, async () => {
      const loaded = await this.load(id, messageId);
      if (loaded.seen) return loaded.state;
      const next = await step(loaded.state);
      const json = JSON.stringify(next);
      if (skipUnchanged && json === loaded.doc) return next;
      await this.save(id, loaded.version, json, messageId);
      await this.saved(id, next, loaded.state);
      return next;
    });
  }
}
