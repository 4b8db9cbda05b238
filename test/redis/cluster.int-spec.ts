import 'reflect-metadata';
import type { CloudEvent } from '@mp/contracts';
import { countDirectoryKeys, forgetDirectoryReadModels } from '@mp/operations';
import { AggregateStore, countKeysMatching, createRedisClient, DueIndex, escapeGlob, keyHolders, Lease, RedisClient, redisSettingsOf, redisUnavailable, SpreadCopies } from '@mp/redis';
import { DeliveryLog, PUBLISHED } from '../../apps/notification-service/src/delivery/delivery-log';
import { DeliveryQueue, memberOf } from '../../apps/notification-service/src/delivery/delivery-queue';
import { firstDueAt, QueuedNotification, queuedNotificationOf } from '../../apps/notification-service/src/delivery/delivery-rules';
import { partnerParty } from '../../apps/notification-service/src/notification-plan';
import { eventually } from '../support/eventually';
import { isolateTestRun } from '../support/isolation';
import { provideRedisCluster, TestRedisCluster } from '../support/redis-cluster';

const T0 = Date.parse('2026-03-01T09:00:00.000Z');
const LEASE_MS = 25_000;

function notification(customerId: string, n: number, awaitsParty = false): QueuedNotification {
  const event: CloudEvent = { specversion: '1.0', id: `evt-${customerId}-${n}`, type: 'RelationshipRequested', source: 'test', time: new Date(T0).toISOString(), data: {} };
  const planned = { notificationId: `00000000-0000-5000-8000-${String(n).padStart(12, '0')}`, recipient: { party: 'reseller' as const, partyId: `res-${n % 2}` }, channel: 'webhook' as const, awaitsParty };
  return queuedNotificationOf(planned, event, customerId, new Date(T0), 3_600_000);
}

/**
 * What the services keep in Redis, on a Redis Cluster of three masters (the one `REDIS_URL` names
 * when it is a cluster URL, else one of its own on free ports of 127.0.0.1, by scripts/redis-cluster.sh):
 * every script, pipeline and multi-key command stays in one slot, the aggregates spread over
 * every master, and what sweeps keys by pattern reaches each master.
 */
describe('the read models on a Redis Cluster', () => {
  const world = isolateTestRun('redis-cluster');
  const givenUrl = process.env.REDIS_URL;
  const customers = Array.from({ length: 24 }, () => world.id('cust'));
  let cluster: TestRedisCluster;
  let redis: RedisClient;

  beforeAll(async () => {
    cluster = await provideRedisCluster();
    // The world's key deletion works on whatever REDIS_URL names: here, the cluster.
    process.env.REDIS_URL = cluster.url;
    redis = createRedisClient(redisSettingsOf({ REDIS_URL: cluster.url, REDIS_KEY_PREFIX: world.keyPrefix }), { keyPrefix: world.keyPrefix });
  });

  afterAll(async () => {
    await world.deleteKeys();
    redis?.disconnect();
    process.env.REDIS_URL = givenUrl;
    await cluster?.stop();
  });

  /** How many keys matching `pattern` (after the prefix) each master holds. */
  const perMaster = async (pattern: string) => Promise.all((await keyHolders(redis)).map(async (master) => (await master.keys(`${escapeGlob(world.keyPrefix)}${pattern}`)).length));

  it('is a client of the cluster, which has three masters', async () => {
    expect(redis.isCluster).toBe(true);
    expect(await keyHolders(redis)).toHaveLength(3);
  });

  it('is unavailable while a slot is not served, though PING still answers, and available again once it is', async () => {
    expect(await redisUnavailable(redis)).toBeUndefined();
    const [master] = await keyHolders(redis);
    const { host, port } = master.options;
    const [slot] = (await master.cluster('SLOTS')).find(([, , [, owner]]) => owner === port)!;
    await master.cluster('DELSLOTS', slot);
    try {
      await eventually('the cluster to be down', async () => (await redisUnavailable(redis))?.includes(`${host}:${port} cluster_state:fail`));
      expect(await redis.ping()).toBe('PONG');
    } finally {
      await master.cluster('ADDSLOTS', slot);
    }
    await eventually('the cluster to serve every slot again', async () => (await redisUnavailable(redis)) === undefined, 20_000);
  });

  it("writes each aggregate's state, seen ids and outbox in one script, the aggregates spread over every master", async () => {
    const store = new AggregateStore<{ n: number }>(redis, 'cluster:counter', () => ({ n: 0 }));
    await Promise.all(customers.map((id) => store.update(id, `msg-${id}-1`, (s) => ({ n: s.n + 1 }))));
    // The same message again changes nothing; another one counts.
    await Promise.all(customers.map((id) => store.update(id, `msg-${id}-1`, (s) => ({ n: s.n + 1 }))));
    await Promise.all(customers.map((id) => store.update(id, `msg-${id}-2`, (s) => ({ n: s.n + 1 }))));
    const loaded = await Promise.all(customers.map((id) => store.load(id, `msg-${id}-2`)));
    expect(loaded.map((l) => [l.state.n, l.seen])).toEqual(customers.map(() => [2, true]));
    expect((await store.getMany(customers)).size).toBe(customers.length);

    // The outbox, beside the state under the aggregate's hash tag.
    const [first] = customers;
    await store.save(first, loaded[0], { n: 3 }, ['msg-out'], { messageId: 'msg-out', payload: 'events' });
    expect((await store.load(first, 'msg-out')).outbox).toBe('events');
    await store.published(first, 'msg-out');
    expect((await store.load(first, 'msg-out')).outbox).toBeNull();

    const counts = await perMaster('cluster:counter:*');
    expect(counts.every((count) => count > 0)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2 * customers.length); // a state and its seen ids each
  });

  it('files the customers of every master in one due index and finds those due', async () => {
    const due = new DueIndex(redis, 'cluster:due');
    await Promise.all(customers.map((id, i) => due.set(id, T0 + i)));
    await due.set(customers[0], undefined);
    expect(await due.due(T0 + 2)).toEqual([
      { id: customers[1], dueAt: T0 + 1 },
      { id: customers[2], dueAt: T0 + 2 },
    ]);
  });

  it('keeps a value on every master, and tells when a master lost its copy', async () => {
    const copies = new SpreadCopies(redis, 'cluster:generation');
    await copies.write('g-1');
    expect(await copies.intact('g-1')).toBe(true);
    expect(await copies.intact('g-2')).toBe(false);
    expect((await perMaster('cluster:generation:*')).every((count) => count > 0)).toBe(true);
    // One master's keys gone (as when it restarts empty): here, its copies only.
    const [master] = await keyHolders(redis);
    for (const key of await master.keys(`${escapeGlob(world.keyPrefix)}cluster:generation:*`)) await master.del(key);
    expect(await copies.intact('g-1')).toBe(false);
  });

  it('gives the lease to one holder at a time', async () => {
    const [a, b] = ['holder-a', 'holder-b'].map((holder) => new Lease(redis, 'cluster:scheduler-lease', holder, 5_000));
    expect(await a.hold()).toBe(true);
    expect(await b.hold()).toBe(false);
    await a.release();
    expect(await b.hold()).toBe(true);
    expect(await a.hold()).toBe(false);
  });

  it("keeps the delivery queue: each customer's queue beside its log, one schedule, the parties' waiting lists", async () => {
    const deliveries = new DeliveryLog(redis);
    const queue = new DeliveryQueue(redis, deliveries);
    const items = customers.flatMap((customerId) => [notification(customerId, 1), notification(customerId, 2, true)]);
    const settled = items[0];
    await deliveries.markPublished(settled.customerId, [settled.notificationId]);
    const filed = await Promise.all(customers.map((customerId) => queue.file(customerId, items.filter((item) => item.customerId === customerId).map((item) => ({ item, dueAt: firstDueAt(item) })))));
    expect(filed.flat()).toHaveLength(items.length - 1);

    // Four workers claim at once: each due notification goes to one of them.
    const claimed = await Promise.all(Array.from({ length: 4 }, () => queue.claim(T0, 100, T0 + LEASE_MS)));
    const dueNow = items.filter((item) => item !== settled && !item.awaitsParty).map(memberOf);
    expect(claimed.flat().map(memberOf).sort()).toEqual(dueNow.sort());

    // The waiting ones go when their party is registered.
    const waiting = items.filter((item) => item.awaitsParty);
    await queue.awaitParty(partnerParty('res-0'), waiting);
    expect(await queue.releaseParty(partnerParty('res-0'), T0 + 1)).toBe(waiting.length);
    expect((await queue.claim(T0 + 1, 100, T0 + LEASE_MS)).map(memberOf).sort()).toEqual(waiting.map(memberOf).sort());
    await Promise.all(items.map((item) => queue.remove(item)));
    expect((await queue.read(items[1])).item).toBeUndefined();
    expect((await queue.read(settled)).settled).toBe(PUBLISHED);
  });

  it("deletes the directory's keys on every master at once, then every key under the prefix", async () => {
    await Promise.all(customers.map((id) => redis.hset(`directory:customer:{${id}}`, 'doc', '{}')));
    await redis.set('directory:state:generation', 'g-1');
    const directoryKeys = customers.length + 1;
    expect((await perMaster('directory:*')).every((count) => count > 0)).toBe(true);
    expect(await countDirectoryKeys(redis, world.keyPrefix)).toBe(directoryKeys);

    expect(await forgetDirectoryReadModels(redis, world.keyPrefix)).toBe(directoryKeys);
    expect(await countDirectoryKeys(redis, world.keyPrefix)).toBe(0);
    expect(await countKeysMatching(redis, `${escapeGlob(world.keyPrefix)}cluster:*`)).toBeGreaterThan(0);

    await world.deleteKeys();
    expect(await countKeysMatching(redis, `${escapeGlob(world.keyPrefix)}*`)).toBe(0);
  });
});
