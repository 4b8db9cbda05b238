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
}

/**
 * Aggregates (a customer's state, a partner's state) as JSON in Redis, one hash per aggregate.
 * Keys carry the aggregate id as a hash tag, and every script touches one tag only, so it runs
 * unchanged on Redis Cluster. Writes are compare-and-set on a version, so two writers never
 * overwrite each other silently, and they record the message id that caused them.
 */
export class AggregateStore<S> {
  private readonly lock = new KeyedLock();

  constructor(
    private readonly redis: Redis,
    /** The owner and kind, e.g. `request:customer`: each service keeps its own copy. */
    private readonly namespace: string,
    private readonly initial: (id: string) => S,
  ) {}

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
    return { state: doc ? (JSON.parse(doc) as S) : this.initial(id), version: version ?? '0', seen };
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

  private async save(id: string, version: string, state: S, messageId = ''): Promise<void> {
    const written = await this.redis.eval(
      CAS_SCRIPT,
      2,
      this.docKey(id),
      this.seenKey(id),
      version,
      JSON.stringify(state),
      messageId,
      Date.now(),
      SEEN_KEPT,
    );
    if (written !== 1) throw new ConcurrentUpdateError(`${this.docKey(id)} changed under us (version ${version})`);
  }

  /** Called after each write, for indexes derived from the new state. */
  protected async saved(_id: string, _state: S): Promise<void> {}

  /**
   * Reads the aggregate, lets `step` decide and do its effects (publish events) and return the
   * next state, then writes it with the message id. A message already seen is skipped, so a
   * redelivery applies nothing twice. Effects come before the write: a crash in between replays
   * the same decision with the same derived event ids, which consumers de-duplicate.
   */
  update(id: string, messageId: string, step: (state: S) => Promise<S> | S): Promise<S> {
    return this.lock.run(id, async () => {
      const loaded = await this.load(id, messageId);
      if (loaded.seen) return loaded.state;
      const next = await step(loaded.state);
      await this.save(id, loaded.version, next, messageId);
      await this.saved(id, next);
      return next;
    });
  }
}
