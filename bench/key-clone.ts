/**
 * Copies of one customer's keys, for the memory benchmark: what the services wrote in Redis for a
 * template customer (its own keys, and its entries in keys shared by all customers, such as the
 * due indexes and a reseller's customers) is read once, then written again for other customers
 * with only the customer id changed. Every other customer then costs Redis what the real
 * services made the template cost, at any number of customers, in seconds.
 */
import type { Redis } from 'ioredis';

export type KeyType = 'string' | 'hash' | 'zset' | 'set' | 'list';

/** A key as read: its type and its content as the arguments that write it again (hash: field, value...; zset: score, member...). */
export interface KeySnapshot {
  key: string;
  type: KeyType;
  args: string[];
}

export interface ClonePlan {
  /** Keys of the template customer alone (its id in their name): copied whole. */
  own: KeySnapshot[];
  /** Keys of all customers: only the template's entries in them, added to the same key. */
  shared: KeySnapshot[];
}

const WRITE: Record<KeyType, string> = { string: 'set', hash: 'hset', zset: 'zadd', set: 'sadd', list: 'rpush' };
/** How many arguments one entry takes: a hash's field and value, a sorted set's score and member. */
const ENTRY: Record<KeyType, number> = { string: 1, hash: 2, zset: 2, set: 1, list: 1 };

/** Which of the keys are the template customer's, and which of the shared ones hold entries of it. */
export function clonePlan(keys: readonly KeySnapshot[], templateId: string): ClonePlan {
  const own = keys.filter((k) => k.key.includes(templateId));
  const shared: KeySnapshot[] = [];
  for (const k of keys) {
    if (k.key.includes(templateId) || k.type === 'string' || k.type === 'list') continue;
    const args: string[] = [];
    for (let i = 0; i < k.args.length; i += ENTRY[k.type]) {
      const entry = k.args.slice(i, i + ENTRY[k.type]);
      if (entry.some((a) => a.includes(templateId))) args.push(...entry);
    }
    if (args.length) shared.push({ ...k, args });
  }
  return { own, shared };
}

/** The command that writes `snapshot` again for `customerId` in place of `templateId`. */
export function commandFor(snapshot: KeySnapshot, templateId: string, customerId: string): [string, string, ...string[]] {
  const swap = (text: string) => text.split(templateId).join(customerId);
  return [WRITE[snapshot.type], swap(snapshot.key), ...snapshot.args.map(swap)];
}

/** The service a key belongs to: the first part of its name after the key prefix (`request:customer:{...}` -> request). */
export function serviceOf(key: string, keyPrefix: string): string {
  return key.slice(keyPrefix.length).split(':')[0];
}

/** Bytes per customer between two readings of `used_memory`, `customers` apart. */
export function bytesPerCustomer(before: number, after: number, customers: number): number {
  return customers > 0 ? (after - before) / customers : NaN;
}

/** Every key under `prefix`, read as a snapshot (SCAN, then one read per key by its type). */
export async function snapshotKeys(redis: Redis, prefix: string): Promise<KeySnapshot[]> {
  const names: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    names.push(...found);
    cursor = next;
  } while (cursor !== '0');
  const snapshots: KeySnapshot[] = [];
  for (const key of names.sort()) {
    const type = (await redis.type(key)) as KeyType | 'none';
    if (type === 'none') continue;
    if (type === 'string') snapshots.push({ key, type, args: [(await redis.get(key)) ?? ''] });
    else if (type === 'hash') snapshots.push({ key, type, args: Object.entries(await redis.hgetall(key)).flat() });
    else if (type === 'set') snapshots.push({ key, type, args: await redis.smembers(key) });
    else if (type === 'list') snapshots.push({ key, type, args: await redis.lrange(key, 0, -1) });
    else if (type === 'zset') {
      const flat = await redis.zrange(key, 0, -1, 'WITHSCORES');
      const args: string[] = [];
      for (let i = 0; i < flat.length; i += 2) args.push(flat[i + 1], flat[i]);
      snapshots.push({ key, type, args });
    } else throw new Error(`${key}: a ${type}, which the bench does not copy`);
  }
  return snapshots;
}
