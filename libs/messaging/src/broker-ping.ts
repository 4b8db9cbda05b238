import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Admin, logLevel } from 'kafkajs';
import { createKafka, KafkaSettings } from './kafka-settings';
import { KAFKA_SETTINGS } from './tokens';

/**
 * Whether the brokers answer now (`/health/ready`): one metadata request on a client of its own
 * that does not retry and says nothing in the logs, so a broker that is gone is reported at the
 * next probe rather than after the consumer's retries run out. One request at a time.
 */
@Injectable()
export class BrokerPing implements OnApplicationShutdown {
  private readonly admin: Admin;
  private pending?: Promise<void>;

  constructor(@Inject(KAFKA_SETTINGS) settings: KafkaSettings) {
    this.admin = createKafka(settings, '-health', { retry: { retries: 0 }, connectionTimeout: 1_000, logLevel: logLevel.NOTHING }).admin();
  }

  /** Resolves when a broker answered; rejects with why not. */
  ping(): Promise<void> {
    this.pending ??= this.once().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async once(): Promise<void> {
    await this.admin.connect();
    await this.admin.describeCluster();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pending?.catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}
