import { Inject, Injectable } from '@nestjs/common';
import { LuaScript, REDIS, RedisClient } from '@mp/redis';
import { PartyKey, partyKeyOf } from '../notification-plan';
import { DeliveryLog, Settled } from './delivery-log';
import type { QueuedNotification } from './delivery-rules';

/** Where one queued notification is found: its customer's hash, and its id there. */
export interface QueueRef {
  customerId: string;
  notificationId: string;
}

/**
 * Files notifications that are not settled yet, in one step per customer: those the delivery log
 * already knows are left out (a redelivered event sends nothing again), those already queued are
 * kept as they are (their attempts so far, their filing time). Returns the ids now in the queue.
 * KEYS: the customer's queue hash, the customer's delivery log. ARGV: id, json, id, json...
 */
const FILE_SCRIPT = new LuaScript<string[]>(`
local open = {}
for i = 1, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[2], ARGV[i]) == 0 then
    redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1])
    open[#open + 1] = ARGV[i]
  end
end
return open
`);

/**
 * Takes up to `limit` notifications due by `now` and leases them until `leaseUntil` (their
 * score moves there), in one step: two workers never take the same one at the same time, and
 * one whose worker died comes due again when the lease runs out.
 * KEYS: the schedule. ARGV: now, leaseUntil, limit.
 */
const CLAIM_SCRIPT = new LuaScript<string[]>(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, member in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], member) end
return due
`);

/**
 * The notification-service's delay queue in Redis, off the consumer's path (DESIGN §7):
 * - `notification:queue:{<customerId>}`: a hash per customer, notificationId -> the queued
 *   notification as JSON (beside that customer's delivery log, under the same hash tag);
 * - `notification:{queue}:due`: one sorted set for the whole service, `<notificationId>|<customerId>`
 *   scored by when it is next due (ms, by the injected clock): now, after a back-off, at the end
 *   of a wait for its party, or at the end of a worker's lease;
 * - `notification:awaiting:{<party>}`: per party not registered yet, the notifications waiting for it.
 * Every key carries a hash tag and no command or script spans two, so it runs on Redis Cluster.
 * Writes that span keys are ordered so that a crash between two leaves something a retry or a
 * lease repairs: the payload is written before it is scheduled, and unscheduled after it is gone.
 */
@Injectable()
export class DeliveryQueue {
  static readonly SCHEDULE = 'notification:{queue}:due';
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly deliveries: DeliveryLog,
  ) {}

  keyOf(customerId: string): string {
    return `notification:queue:{${customerId}}`;
  }

  awaitingKeyOf(party: PartyKey): string {
    return `notification:awaiting:{${party}}`;
  }

  /**
   * Files one customer's notifications, each due at `dueAt`; one queued already keeps what it is
   * and how far it got, and is due by `dueAt` at the latest. Returns those now queued: the others
   * were settled before.
   */
  async file(customerId: string, items: Array<{ item: QueuedNotification; dueAt: number }>): Promise<QueuedNotification[]> {
    if (items.length === 0) return [];
    const args = items.flatMap(({ item }) => [item.notificationId, JSON.stringify(item)]);
    const open = new Set(await FILE_SCRIPT.run(this.redis, [this.keyOf(customerId), this.deliveries.keyOf(customerId)], args));
    const queued = items.filter(({ item }) => open.has(item.notificationId));
    if (queued.length) await this.redis.zadd(DeliveryQueue.SCHEDULE, 'LT', ...queued.flatMap(({ item, dueAt }) => [dueAt, memberOf(item)]));
    return queued.map(({ item }) => item);
  }

  /** Up to `limit` notifications due by `now`, leased to the caller until `leaseUntil`. */
  async claim(now: number, limit: number, leaseUntil: number): Promise<QueueRef[]> {
    const members = await CLAIM_SCRIPT.run(this.redis, [DeliveryQueue.SCHEDULE], [now, leaseUntil, limit]);
    return members.map(refOf);
  }

  /** The queued notification, if it is still queued, and its delivery record, if it was settled. */
  async read(ref: QueueRef): Promise<{ item?: QueuedNotification; settled?: Settled }> {
    const [json, log] = await Promise.all([this.redis.hget(this.keyOf(ref.customerId), ref.notificationId), this.deliveries.read(ref.customerId, [ref.notificationId])]);
    return { item: json ? (JSON.parse(json) as QueuedNotification) : undefined, settled: log.get(ref.notificationId) };
  }

  /** Keeps the notification as it now stands, due again at `dueAt`. */
  async reschedule(item: QueuedNotification, dueAt: number): Promise<void> {
    await this.redis.hset(this.keyOf(item.customerId), item.notificationId, JSON.stringify(item));
    await this.redis.zadd(DeliveryQueue.SCHEDULE, 'XX', dueAt, memberOf(item));
  }

  /** Takes a settled (or pointless) notification out of the queue, and off its party's waiting list. */
  async remove(item: QueuedNotification): Promise<void> {
    await this.redis.hdel(this.keyOf(item.customerId), item.notificationId);
    await this.redis.zrem(DeliveryQueue.SCHEDULE, memberOf(item));
    if (item.awaitsParty) await this.redis.srem(this.awaitingKeyOf(partyKeyOf(item.recipient)), memberOf(item));
  }

  /** Drops a schedule entry whose notification is no longer queued (removed by another worker meanwhile). */
  async forget(ref: QueueRef): Promise<void> {
    await this.redis.zrem(DeliveryQueue.SCHEDULE, memberOf(ref));
  }

  /** Puts notifications on their party's waiting list (idempotent). */
  async awaitParty(party: PartyKey, refs: QueueRef[]): Promise<void> {
    if (refs.length) await this.redis.sadd(this.awaitingKeyOf(party), ...refs.map(memberOf));
  }

  /**
   * The party's registration is folded: every notification waiting for it is due at `now` (never
   * later than it was), and the waiting list is cleared. Returns how many were released.
   */
  async releaseParty(party: PartyKey, now: number): Promise<number> {
    const key = this.awaitingKeyOf(party);
    const members = await this.redis.smembers(key);
    if (members.length === 0) return 0;
    await this.redis.zadd(DeliveryQueue.SCHEDULE, 'XX', 'LT', ...members.flatMap((member) => [now, member]));
    await this.redis.srem(key, ...members);
    return members.length;
  }
}

/** The schedule's member for a notification: its id (a UUID, no `|`), then its customer. */
export function memberOf(ref: QueueRef): string {
  return `${ref.notificationId}|${ref.customerId}`;
}

export function refOf(member: string): QueueRef {
  const bar = member.indexOf('|');
  return { notificationId: member.slice(0, bar), customerId: member.slice(bar + 1) };
}
