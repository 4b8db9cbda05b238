import Redis from 'ioredis';
import { AggregateStore, ConcurrentUpdateError, FoldSession } from '@mp/redis';
import { isolateTestRun } from '../support/isolation';

/**
 * The folds of one key lane in a FoldSession (real Redis): the aggregate read by the first fold
 * only, written once at the end with every fold's message id; a message seen before changes
 * nothing; and a write that comes second to another writer fails the session, writing nothing.
 */
describe('folds of a key lane written as one (FoldSession)', () => {
  const world = isolateTestRun('fold-session');
  let redis: Redis;
  let store: AggregateStore<{ items: string[] }>;
  const add = (item: string) => (state: { items: string[] }) => ({ items: [...state.items, item] });
  const version = async (id: string) => Number(await redis.hget(store.docKey(id), 'v'));

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL!, { keyPrefix: world.keyPrefix, enableAutoPipelining: true });
    store = new AggregateStore<{ items: string[] }>(redis, 'folds', () => ({ items: [] }));
  });

  afterAll(async () => {
    await redis.quit();
    await world.cleanup();
  });

  it('reads once, writes once, with every message id; a message seen before changes nothing', async () => {
    const id = world.id('agg');
    await store.update(id, 'm-0', add('zero'));
    const seen: string[][] = [];
    await FoldSession.run(async () => {
      for (const [message, item] of [['m-1', 'one'], ['m-0', 'zero again'], ['m-2', 'two']]) {
        seen.push((await store.update(id, message, add(item), { skipUnchanged: true })).items);
      }
      // Nothing written yet: Redis has what was there before the session.
      expect((await store.get(id))?.items).toEqual(['zero']);
    });
    expect(seen).toEqual([['zero', 'one'], ['zero', 'one'], ['zero', 'one', 'two']]);
    expect((await store.get(id))?.items).toEqual(['zero', 'one', 'two']);
    expect(await version(id)).toBe(2);
    expect((await store.load(id, 'm-1')).seen).toBe(true);
    expect((await store.load(id, 'm-2')).seen).toBe(true);
    // Outside a session, a fold writes at once.
    await store.update(id, 'm-3', add('three'));
    expect(await version(id)).toBe(3);
  });

  it('fails, writing nothing, when another writer came first; the folds then run again on what is there', async () => {
    const id = world.id('agg');
    await store.update(id, 'm-0', add('zero'));
    const session = FoldSession.run(async () => {
      await store.update(id, 'm-1', add('one'));
      // A command of this customer, say, lands meanwhile: read, decided, saved at once.
      const loaded = await store.load(id, 'c-1');
      await store.save(id, loaded, add('command')(loaded.state), ['c-1']);
    });
    await expect(session).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect((await store.get(id))?.items).toEqual(['zero', 'command']);
    expect((await store.load(id, 'm-1')).seen).toBe(false);
    await store.update(id, 'm-1', add('one'));
    expect((await store.get(id))?.items).toEqual(['zero', 'command', 'one']);
  });

  it('remembers the most recent ids it was told to keep, no more', async () => {
    const small = new AggregateStore<{ items: string[] }>(redis, 'window', () => ({ items: [] }), undefined, 3);
    const id = world.id('agg');
    for (let n = 1; n <= 5; n++) await small.update(id, `m-${n}`, add(`item-${n}`));
    const remembered = await Promise.all([1, 2, 3, 4, 5].map(async (n) => (await small.load(id, `m-${n}`)).seen));
    expect(remembered).toEqual([false, false, true, true, true]);
  });
});
