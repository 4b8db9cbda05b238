import 'reflect-metadata';
import type { CloudEvent } from '@mp/contracts';
import Redis from 'ioredis';
import { DeliveryLog } from '../apps/notification-service/src/delivery/delivery-log';
import { DeliveryQueue, memberOf, QueueRef } from '../apps/notification-service/src/delivery/delivery-queue';
import { firstDueAt, QueuedNotification, queuedNotificationOf } from '../apps/notification-service/src/delivery/delivery-rules';
import { partnerParty } from '../apps/notification-service/src/notification-plan';
import { isolateTestRun } from './support/isolation';

const world = isolateTestRun('notification-delivery-queue');

const T0 = Date.parse('2026-03-01T09:00:00.000Z');
const WAIT_MS = 24 * 3_600_000;
const LEASE_MS = 25_000;

function notification(customerId: string, n: number, awaitsParty = false): QueuedNotification {
  const event: CloudEvent = { specversion: '1.0', id: `evt-${customerId}-${n}`, type: 'RelationshipRequested', source: 'test', time: new Date(T0).toISOString(), data: {} };
  const planned = { notificationId: `00000000-0000-5000-8000-${String(n).padStart(12, '0')}`, recipient: { party: 'reseller' as const, partyId: `res-${n % 3}` }, channel: 'webhook' as const, awaitsParty };
  return queuedNotificationOf(planned, event, customerId, new Date(T0), WAIT_MS);
}

/** The delivery queue against the real Redis: what its scripts guarantee, with no service around it. */
describe('notification delivery queue (real Redis)', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: world.keyPrefix });
  const deliveries = new DeliveryLog(redis);
  const queue = new DeliveryQueue(redis, deliveries);
  const fileAll = (items: QueuedNotification[]) => Promise.all([...groupByCustomer(items)].map(([customerId, mine]) => queue.file(customerId, mine.map((item) => ({ item, dueAt: firstDueAt(item) })))));

  afterAll(async () => {
    redis.disconnect();
    await world.cleanup();
  });

  afterEach(async () => {
    await world.deleteKeys();
  });

  it('gives each due notification to one claimer only, however many claim at once', async () => {
    const items = Array.from({ length: 20 }, (_, c) => world.id(`cust-${c}`)).flatMap((customerId) => Array.from({ length: 10 }, (_, n) => notification(customerId, n)));
    await fileAll(items);

    const claimedBy = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const mine: QueueRef[] = [];
        for (;;) {
          const batch = await queue.claim(T0, 7, T0 + LEASE_MS);
          if (batch.length === 0) return mine;
          mine.push(...batch);
        }
      }),
    );
    const all = claimedBy.flat().map(memberOf);
    expect(all).toHaveLength(items.length);
    expect(new Set(all)).toEqual(new Set(items.map(memberOf)));
    expect(claimedBy.filter((mine) => mine.length > 0).length).toBeGreaterThan(1);
  });

  it('gives a claimed notification whose worker died to another worker once the lease has run out', async () => {
    const item = notification(world.id('cust'), 1);
    await fileAll([item]);
    expect(await queue.claim(T0, 10, T0 + LEASE_MS)).toEqual([{ customerId: item.customerId, notificationId: item.notificationId }]);
    // The claimer dies here, before any step. Nobody else gets it while the lease holds...
    expect(await queue.claim(T0 + LEASE_MS - 1, 10, T0 + 2 * LEASE_MS)).toEqual([]);
    // ...and it is due again, whole, when it runs out.
    expect(await queue.claim(T0 + LEASE_MS, 10, T0 + 2 * LEASE_MS)).toEqual([{ customerId: item.customerId, notificationId: item.notificationId }]);
    expect((await queue.read(item)).item).toEqual(item);
  });

  it('files nothing for a notification already settled, and keeps a queued one as far as it got', async () => {
    const customerId = world.id('cust');
    const settled = notification(customerId, 1);
    const queued = notification(customerId, 2);
    await deliveries.markPublished(customerId, [settled.notificationId]);
    await fileAll([queued]);
    await queue.reschedule({ ...queued, attempts: 2, lastError: 'HTTP 500' }, T0 + 4000);

    // The same event filed again (a redelivery): one settled, one under way.
    const refiled = await queue.file(customerId, [settled, queued].map((item) => ({ item, dueAt: T0 + 1000 })));
    expect(refiled.map((n) => n.notificationId)).toEqual([queued.notificationId]);
    expect((await queue.read(settled)).item).toBeUndefined();
    expect((await queue.read(queued)).item).toMatchObject({ attempts: 2, lastError: 'HTTP 500' });
    // Due by the time asked at the latest: never later than it was.
    expect(await queue.claim(T0 + 999, 10, T0 + LEASE_MS)).toEqual([]);
    expect(await queue.claim(T0 + 1000, 10, T0 + LEASE_MS)).toEqual([{ customerId, notificationId: queued.notificationId }]);
  });

  it('makes the notifications waiting for a party due when its registration arrives, and only those', async () => {
    const customerId = world.id('cust');
    const waiting = [notification(customerId, 1, true), notification(customerId, 4, true)]; // both to res-1
    const other = notification(customerId, 2, true); // to res-2
    await fileAll([...waiting, other]);
    await queue.awaitParty(partnerParty('res-1'), waiting);
    await queue.awaitParty(partnerParty('res-2'), [other]);
    expect(await queue.claim(T0 + 1000, 10, T0 + LEASE_MS)).toEqual([]);

    expect(await queue.releaseParty(partnerParty('res-1'), T0 + 1000)).toBe(2);
    const claimed = await queue.claim(T0 + 1000, 10, T0 + LEASE_MS);
    expect(claimed.map((ref) => ref.notificationId).sort()).toEqual(waiting.map((n) => n.notificationId).sort());
    expect(await queue.releaseParty(partnerParty('res-1'), T0 + 2000)).toBe(0);
    await Promise.all(waiting.map((item) => queue.remove(item)));
    // The other party's notification still waits, until its deadline.
    expect(await queue.claim(T0 + WAIT_MS - 1, 10, T0 + WAIT_MS + LEASE_MS)).toEqual([]);
    expect(await queue.claim(T0 + WAIT_MS, 10, T0 + WAIT_MS + LEASE_MS)).toEqual([{ customerId, notificationId: other.notificationId }]);
  });

  it('takes a removed notification out of the schedule and off its party’s waiting list', async () => {
    const item = notification(world.id('cust'), 1, true);
    await fileAll([item]);
    await queue.awaitParty(partnerParty('res-1'), [item]);
    await queue.remove(item);
    expect((await queue.read(item)).item).toBeUndefined();
    expect(await queue.releaseParty(partnerParty('res-1'), T0)).toBe(0);
    expect(await queue.claim(T0 + WAIT_MS, 10, T0 + WAIT_MS + LEASE_MS)).toEqual([]);
  });
});

function groupByCustomer(items: QueuedNotification[]): Map<string, QueuedNotification[]> {
  const grouped = new Map<string, QueuedNotification[]>();
  for (const item of items) grouped.set(item.customerId, [...(grouped.get(item.customerId) ?? []), item]);
  return grouped;
}
