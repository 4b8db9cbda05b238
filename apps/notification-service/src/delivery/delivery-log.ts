import { Inject, Injectable } from '@nestjs/common';
import type { NotificationFailureReason } from '@mp/contracts';
import { REDIS, RedisClient } from '@mp/redis';

/** What became of one notification: the final attempt's result, kept so that it is never sent twice. */
export interface DeliveryRecord {
  status: 'delivered' | 'failed';
  attempts: number;
  /** When it was settled (ISO 8601): the last attempt's end, or the end of the wait for its party. */
  at: string;
  /** The last attempt's address; absent when none was made (PARTY_UNKNOWN). */
  target?: string;
  statusCode?: number;
  reason?: NotificationFailureReason;
  error?: string;
}

/**
 * What the log keeps of a notification once its NotificationDelivered / NotificationFailed is on
 * Kafka: only that (the record is in the event), and a redelivery has nothing left to do.
 */
export const PUBLISHED = 'published';

/** A settled notification: its record until its outcome event is out, then only `PUBLISHED`. */
export type Settled = DeliveryRecord | typeof PUBLISHED;

/** The value of a published notification's field: one byte, where its record took a couple of hundred. */
const PUBLISHED_VALUE = '1';

/**
 * The delivery log: one Redis hash per customer, `notification:deliveries:{<customerId>}`, field
 * notificationId -> its DeliveryRecord as JSON until the outcome event is out, then `1`
 * (`PUBLISHED`). One hash tag per key and per command (Redis Cluster ready).
 */
@Injectable()
export class DeliveryLog {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  keyOf(customerId: string): string {
    return `notification:deliveries:{${customerId}}`;
  }

  async read(customerId: string, notificationIds: string[]): Promise<Map<string, Settled>> {
    const found = new Map<string, Settled>();
    if (notificationIds.length === 0) return found;
    const values = await this.redis.hmget(this.keyOf(customerId), ...notificationIds);
    values.forEach((value, i) => {
      if (value !== null) found.set(notificationIds[i], value === PUBLISHED_VALUE ? PUBLISHED : (JSON.parse(value) as DeliveryRecord));
    });
    return found;
  }

  async record(customerId: string, notificationId: string, record: DeliveryRecord): Promise<void> {
    await this.redis.hset(this.keyOf(customerId), notificationId, JSON.stringify(record));
  }

  /** Marks the notifications' outcome events as published, in one command: their records give way to `PUBLISHED`. */
  async markPublished(customerId: string, notificationIds: string[]): Promise<void> {
    if (notificationIds.length === 0) return;
    await this.redis.hset(this.keyOf(customerId), Object.fromEntries(notificationIds.map((id) => [id, PUBLISHED_VALUE])));
  }
}
