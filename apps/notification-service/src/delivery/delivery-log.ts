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
  /** Its NotificationDelivered / NotificationFailed is on Kafka: a redelivery has nothing left to do. */
  published?: boolean;
}

/**
 * The delivery log: one Redis hash per customer, `notification:deliveries:{<customerId>}`, field
 * notificationId -> DeliveryRecord as JSON. One hash tag per key and per command (Redis Cluster ready).
 */
@Injectable()
export class DeliveryLog {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  keyOf(customerId: string): string {
    return `notification:deliveries:{${customerId}}`;
  }

  async read(customerId: string, notificationIds: string[]): Promise<Map<string, DeliveryRecord>> {
    const found = new Map<string, DeliveryRecord>();
    if (notificationIds.length === 0) return found;
    const values = await this.redis.hmget(this.keyOf(customerId), ...notificationIds);
    values.forEach((value, i) => {
      if (value !== null) found.set(notificationIds[i], JSON.parse(value) as DeliveryRecord);
    });
    return found;
  }

  async record(customerId: string, notificationId: string, record: DeliveryRecord): Promise<void> {
    await this.redis.hset(this.keyOf(customerId), notificationId, JSON.stringify(record));
  }

  /** Marks the outcome events as published, in one command. */
  async markPublished(customerId: string, records: Array<[notificationId: string, record: DeliveryRecord]>): Promise<void> {
    if (records.length === 0) return;
    const fields = Object.fromEntries(records.map(([id, record]) => [id, JSON.stringify({ ...record, published: true })]));
    await this.redis.hset(this.keyOf(customerId), fields);
  }
}
