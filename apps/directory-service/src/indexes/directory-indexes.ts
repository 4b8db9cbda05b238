import { Inject, Injectable } from '@nestjs/common';
import { REDIS, RedisClient } from '@mp/redis';
import { lexRangeStart } from '../resellers/pagination';
import type { IndexWrite } from './index-writes';

/** Key of the request index: one string per request id, its own hash tag. */
export function requestOwnerKey(requestId: string): string {
  return `directory:request:{${requestId}}`;
}

/** Key of a reseller's customers: one sorted set per reseller, every score 0, ordered by customer id. */
export function resellerCustomersKey(resellerId: string): string {
  return `directory:reseller-customers:{${resellerId}}`;
}

/**
 * The directory's secondary indexes in Redis. Each command touches exactly one key (one hash tag),
 * so they run unchanged on Redis Cluster; the writes are idempotent.
 */
@Injectable()
export class DirectoryIndexes {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  /**
   * The writes at once: ioredis pipelines them automatically, per node on a cluster (an explicit
   * pipeline must keep to one node, and the writes' keys are on different ones).
   */
  async apply(writes: readonly IndexWrite[]): Promise<void> {
    await Promise.all(writes.map((write) => this.write(write)));
  }

  private write(write: IndexWrite): Promise<unknown> {
    // The first customer to claim a request id keeps it: a replay writes the same value again.
    if (write.index === 'request-owner') return this.redis.set(requestOwnerKey(write.requestId), write.customerId, 'NX');
    if (write.op === 'add') return this.redis.zadd(resellerCustomersKey(write.resellerId), 0, write.customerId);
    return this.redis.zrem(resellerCustomersKey(write.resellerId), write.customerId);
  }

  /** The customer that holds a request, if the request is known. */
  customerOfRequest(requestId: string): Promise<string | null> {
    return this.redis.get(requestOwnerKey(requestId));
  }

  /** Up to `count` customers of a reseller, in customer id order, strictly after `after`. */
  customersOfReseller(resellerId: string, after: string | undefined, count: number): Promise<string[]> {
    return this.redis.zrangebylex(resellerCustomersKey(resellerId), lexRangeStart(after), '+', 'LIMIT', 0, count);
  }
}
