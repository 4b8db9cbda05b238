import { OnApplicationShutdown } from '@nestjs/common';
import type { Clock } from '@mp/domain';
import type { RedisClient } from '@mp/redis';

/** Where a sandbox keeps how far its time runs ahead of the wall clock, in ms. */
export const SANDBOX_CLOCK_KEY = 'sandbox:clock-offset-ms';

/**
 * A clock for sandboxes and demos (`SANDBOX_CLOCK=true`), in the spirit of test clocks: the wall
 * clock plus an offset that every service of the sandbox reads from Redis, so moving time once
 * moves it for all of them and the scheduler fires expiries for real. Never on in production.
 */
export class SandboxClock implements Clock, OnApplicationShutdown {
  private offsetMs = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly redis: RedisClient) {
    this.timer = setInterval(() => void this.refresh(), 500);
    this.timer.unref();
    void this.refresh();
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  private async refresh(): Promise<void> {
    const raw = await this.redis.get(SANDBOX_CLOCK_KEY).catch(() => null);
    this.offsetMs = Number(raw ?? 0) || 0;
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
