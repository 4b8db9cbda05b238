import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@mp/redis';
import type { Redis } from 'ioredis';
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
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async apply(writes: readonly IndexWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const write of writes) {
      if (write.index === 'request-owner') {
        // The first customer to claim a request id keeps it: a replay writes the same value again.
        pipeline.set(requestOwnerKey(write.requestId), write.customerId, 'NX');
      } else if (write.op === 'add') {
        pipeline.zadd(resellerCustomersKey(write.resellerId), 0, write.customerId);
      } else {
        pipeline.zrem(resellerCustomersKey(write.resellerId), write.customerId);
      }
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
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
