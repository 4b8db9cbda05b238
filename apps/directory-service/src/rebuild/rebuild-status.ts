import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Readiness } from '@mp/platform';
import { REDIS, RedisClient } from '@mp/redis';
import { StateRebuild } from '@mp/state';

const REBUILD_RETRY_AFTER_SECONDS = 5;

/**
 * Set while the directory's read models are being rebuilt from Kafka (DESIGN §6, §7): the key's
 * value is when the rebuild expects to be done (ms since the epoch). Whoever rebuilds sets it
 * and deletes it when done.
 */
export const REBUILDING_KEY = 'directory:rebuilding';

/**
 * Whether the read models are rebuilding, known without a Redis round trip per query: the flag
 * is read once a second, so a query costs what it did. `/health/ready` says `readModels` down
 * while the flag is set (a rebuild from the topics is the `state` condition every service has).
 */
@Injectable()
export class RebuildStatus implements OnModuleInit, OnApplicationShutdown {
  private until?: number;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly state: StateRebuild,
    readiness: Readiness,
  ) {
    readiness.add('readModels', () =>
      this.until === undefined ? { up: true } : { up: false, message: `the read models are being rebuilt (${REBUILDING_KEY} is set)`, retryAfterSeconds: this.retryAfterSeconds() },
    );
  }

  async onModuleInit(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), 1000);
    this.timer.unref();
  }

  /** Seconds a caller should wait before asking again, or undefined when the read models are ready. */
  retryAfterSeconds(now = Date.now()): number | undefined {
    // The read models were lost and are being rebuilt from the topics (DESIGN §7).
    if (this.state.building()) return REBUILD_RETRY_AFTER_SECONDS;
    if (this.until === undefined) return undefined;
    return Math.max(1, Math.ceil((this.until - now) / 1000));
  }

  private async refresh(): Promise<void> {
    const raw = await this.redis.get(REBUILDING_KEY).catch(() => null);
    this.until = raw === null ? undefined : Number(raw) || Date.now() + 5000;
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
