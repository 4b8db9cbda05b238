import type { RedisClient } from './redis-client';
import { DeferredWrite, FoldSession } from './fold-session';
import { KeyedLock } from './keyed-lock';
import { LuaScript } from './lua-script';

/**
 * Compare-and-set of one aggregate, the ids of the messages whose effects it holds and what those
 * messages are to publish (the outbox), in one script: written together or not at all.
 * KEYS: doc, seen. ARGV: version, json, now, kept, outbox field ('' for none), outbox value, ...seen ids.
 */
const CAS_SCRIPT = new LuaScript<number>(`
local v = redis.call('HGET', KEYS[1], 'v')
if (v or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', tostring(tonumber(ARGV[1]) + 1), 'doc', ARGV[2])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], ARGV[5], ARGV[6]) end
if #ARGV > 6 then
  for i = 7, #ARGV do redis.call('ZADD', KEYS[2], ARGV[3], ARGV[i]) end
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[4]) + 1))
end
return 1
`);

/** How many handled message ids an aggregate remembers by default, for de-duplication of redeliveries. */
export const SEEN_KEPT = 5000;

export class ConcurrentUpdateError extends Error {}

export interface Loaded<S> {
  state: S;
  version: string;
  /** The message asked about is among those whose effects the state holds. */
  seen: boolean;
  /** The stored JSON, to tell whether a step changed anything. */
  doc: string | null;
  /** What the message asked about was to publish, if that is not known to be out yet. */
  outbox: string | null;
}

/** What a message is to publish, kept with the state until it is out. */
export interface Outbox {
  messageId: string;
  payload: string;
}

const outboxField = (messageId: string) => `out:${messageId}`;

/** One aggregate's folds in a fold session: what was read, the state so far, the ids folded. */
interface DeferredFold<S> extends DeferredWrite {
  loaded: Loaded<S>;
  state: S;
  seenIds: string[];
}

/**
 * Aggregates (a customer's state, a partner's state) as JSON in Redis, one hash per aggregate.
 * Keys carry the aggregate id as a hash tag, and every script touches one tag only, so it runs
 * unchanged on Redis Cluster. Writes are compare-and-set on a version, so two writers never
 * overwrite each other silently, and they record the ids of the messages that caused them.
 *
 * Indexes derived from the state (the due index) live under other keys and are written right
 * after the state (`afterSave`); a message whose state write landed but whose index write did
 * not is redelivered (its offset was not committed), found seen, and `repair` writes the index.
 */
export class AggregateStore<S> {
  private readonly lock = new KeyedLock();

  constructor(
    private readonly redis: RedisClient,
    /** The owner and kind, e.g. `request:customer`: each service keeps its own copy. */
    private readonly namespace: string,
    private readonly initial: (id: string) => S,
    /** What of a state is stored (a service keeps only what its own decisions need); all of it by default. */
    private readonly kept: (state: S) => S = (state) => state,
    /** How many handled message ids it remembers (the most recent). */
    private readonly seenKept = SEEN_KEPT,
  ) {}

  docKey(id: string): string {
    return `${this.namespace}:{${id}}`;
  }

  private seenKey(id: string): string {
    return `${this.namespace}:{${id}}:seen`;
  }

  /** Runs `task` alone for this aggregate within this process (read-decide-write never races itself). */
  exclusive<T>(id: string, task: () => Promise<T>): Promise<T> {
    return this.lock.run(id, task);
  }

  async load(id: string, messageId?: string): Promise<Loaded<S>> {
    const pipeline = this.redis.pipeline().hmget(this.docKey(id), 'v', 'doc', outboxField(messageId ?? ''));
    if (messageId) pipeline.zscore(this.seenKey(id), messageId);
    const results = (await pipeline.exec()) ?? [];
    const [error, fields] = results[0] ?? [];
    if (error) throw error;
    const [version, doc, outbox] = fields as [string | null, string | null, string | null];
    const seen = messageId ? results[1]?.[1] != null : false;
    return { state: doc ? (JSON.parse(doc) as S) : this.initial(id), version: version ?? '0', seen, doc, outbox: messageId ? outbox : null };
  }

  /** Whether the aggregate holds the effects of `messageId` (one of the ids it remembers). */
  async hasSeen(id: string, messageId: string): Promise<boolean> {
    return (await this.redis.zscore(this.seenKey(id), messageId)) !== null;
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

  /**
   * Writes `next` (what of it is kept) over what `loaded` read, with the ids of the messages whose
   * effects it now holds and what they are to publish (`outbox`, until `published`), then the
   * indexes derived from it. Throws ConcurrentUpdateError when another writer came first (the
   * caller's retry reads again).
   */
  save(id: string, loaded: Loaded<S>, next: S, seenIds: readonly string[], outbox?: Outbox): Promise<void> {
    return this.write(id, loaded, next, JSON.stringify(this.kept(next)), seenIds, outbox);
  }

  /** `save`, with the JSON of what is kept of `next` at hand. */
  private async write(id: string, loaded: Loaded<S>, next: S, json: string, seenIds: readonly string[], outbox?: Outbox): Promise<void> {
    const [outField, outValue] = outbox ? [outboxField(outbox.messageId), outbox.payload] : ['', ''];
    const written = await CAS_SCRIPT.run(this.redis, [this.docKey(id), this.seenKey(id)], [loaded.version, json, Date.now(), this.seenKept, outField, outValue, ...seenIds]);
    if (written !== 1) throw new ConcurrentUpdateError(`${this.docKey(id)} changed under us (version ${loaded.version})`);
    await this.afterSave(id, next, loaded.state);
  }

  /** Records messages as handled, whatever the state: a set, so recording one twice changes nothing. */
  private async markSeen(id: string, messageIds: readonly string[]): Promise<void> {
    const now = Date.now();
    await this.redis.zadd(this.seenKey(id), 'NX', ...messageIds.flatMap((messageId) => [now, messageId]));
  }

  /** What `messageId` was to publish is out: the outbox forgets it. */
  async published(id: string, messageId: string): Promise<void> {
    await this.redis.hdel(this.docKey(id), outboxField(messageId));
  }

  /** Writes again what derives from the state, for a redelivered message whose state write had landed. */
  repair(id: string, state: S): Promise<void> {
    return this.afterSave(id, state, undefined);
  }

  /** Called after each write (`previous` undefined on repair), for indexes derived from the new state. */
  protected async afterSave(_id: string, _state: S, _previous: S | undefined): Promise<void> {}

  /**
   * A fold: reads the aggregate, applies `step` and writes the result with the message id (and
   * `alsoSeen`: the ids of commands whose effects the folded event carries). A message already
   * seen changes nothing, but its derived indexes are written again.
   *
   * `skipUnchanged`: for folds, which are idempotent, a step that changes nothing writes nothing
   * (a service folding back its own events, a replay). `replay`: folded even if seen, in its place
   * of a history consumed again. In a `FoldSession` (the key lane of a service that folds per lane),
   * a fold's write waits for the session's end, and the aggregate is read only by its first fold
   * there; one that marks commands as seen (`alsoSeen`) writes at once, as `save` always does.
   */
  update(id: string, messageId: string, step: (state: S) => S, { skipUnchanged = false, alsoSeen = [] as string[], replay = false } = {}): Promise<S> {
    const session = alsoSeen.length === 0 ? FoldSession.active() : undefined;
    if (session) return this.updateLater(session, id, messageId, step, { skipUnchanged, replay });
    return this.exclusive(id, async () => {
      const loaded = await this.load(id, messageId);
      if (loaded.seen && !replay) {
        await this.repair(id, loaded.state);
        return loaded.state;
      }
      const next = this.kept(step(loaded.state));
      // Made once: to tell whether the step changed anything, and to be written if it did.
      const json = JSON.stringify(next);
      if (skipUnchanged && json === loaded.doc) {
        // Nothing to fold, but what it tells may still be news: a command it answered was handled.
        if (alsoSeen.length) await this.markSeen(id, alsoSeen);
        return next;
      }
      await this.write(id, loaded, next, json, [messageId, ...alsoSeen]);
      return next;
    });
  }

  /** `update` in a fold session: the state as the session has it (read once), the write put off to its end. */
  private async updateLater(session: FoldSession, id: string, messageId: string, step: (state: S) => S, { skipUnchanged, replay }: { skipUnchanged: boolean; replay: boolean }): Promise<S> {
    const key = `${this.namespace}|${id}`;
    let fold = session.deferred<DeferredFold<S>>(key);
    if (!fold) {
      const loaded = await this.load(id, messageId);
      if (loaded.seen && !replay) {
        await this.repair(id, loaded.state);
        return loaded.state;
      }
      const started: DeferredFold<S> = { loaded, state: loaded.state, seenIds: [], flush: () => this.flushFold(id, started, skipUnchanged) };
      session.defer(key, (fold = started));
    } else if (!replay && (await this.hasSeen(id, messageId))) {
      return fold.state;
    }
    fold.state = this.kept(step(fold.state));
    fold.seenIds.push(messageId);
    return fold.state;
  }

  /** The session's folds of one aggregate, written as one (nothing, if together they changed nothing). */
  private async flushFold(id: string, fold: DeferredFold<S>, skipUnchanged: boolean): Promise<void> {
    const json = JSON.stringify(fold.state);
    if (skipUnchanged && json === fold.loaded.doc) return;
    await this.write(id, fold.loaded, fold.state, json, fold.seenIds);
  }
}
