import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Environment, ENVIRONMENT } from '@mp/config';
import type { Clock } from '@mp/domain';
import { CLOCK } from '@mp/platform';
import { Lease, REDIS, RedisClient } from '@mp/redis';
import { StateRebuild } from './state-rebuild';
import { CustomerStore } from './stores';

/**
 * A service's timed work for one customer whose time has come (expiries, extensions, reminders,
 * commands waiting for what they name); `dueAt` is the due time it was filed under.
 */
export interface DueWork {
  run(customerId: string, dueAt: number): Promise<void>;
}
export const DUE_WORK = Symbol('DUE_WORK');

/**
 * Fires timed decisions: every `SCHEDULER_INTERVAL_MS` it asks the due index which customers
 * are due by the injected clock, and runs the service's due work for each. However many
 * instances of a service run, only the holder of the scheduler lease fires, so a timer fires
 * once (DESIGN §7); when the holder dies, another instance takes the lease within a few
 * intervals. Moving the clock is all a test needs to do.
 */
@Injectable()
export class DueScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger(DueScheduler.name);
  private readonly intervalMs: number;
  private readonly lease: Lease;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly customers: CustomerStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REDIS) redis: RedisClient,
    @Inject(ENVIRONMENT) env: Environment,
    private readonly state: StateRebuild,
    @Optional() @Inject(DUE_WORK) private readonly work?: DueWork,
  ) {
    this.intervalMs = env.SCHEDULER_INTERVAL_MS;
    this.lease = new Lease(redis, `${customers.service}:scheduler-lease`, randomUUID(), Math.max(5_000, 3 * this.intervalMs));
  }

  onApplicationBootstrap(): void {
    if (!this.work || !this.customers.dueIndex) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** One pass over what is due now, if this instance holds the lease; passes never overlap. Returns how many customers it handled. */
  tick(): Promise<number> {
    this.running ??= this.pass()
      .catch((error) => {
        this.log.error(`scheduler pass failed; the next one retries: ${(error as Error).message}`);
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    const index = this.customers.dueIndex;
    // No timed decision on a state that is being rebuilt: it would miss what is not folded yet.
    if (!this.work || !index || this.state.building() || !(await this.lease.hold())) return 0;
    let handled = 0;
    for (const { id, dueAt } of await index.due(this.clock.now().getTime())) {
      try {
        await this.work.run(id, dueAt);
        handled++;
      } catch (error) {
        this.log.error({ msg: `timed work for ${id} failed; retried at the next pass: ${(error as Error).message}`, customerId: id });
      }
    }
    return handled;
  }

  /** Before Redis and Kafka close: no new pass, the one under way finishes, and the lease is given up. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    if (this.work && this.customers.dueIndex) await this.lease.release().catch(() => undefined);
  }
}
