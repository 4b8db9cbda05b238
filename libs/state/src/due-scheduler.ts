import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import type { Clock } from '@mp/domain';
import { CLOCK } from '@mp/platform';
import { CustomerStore } from './stores';

/** What to do for a customer whose time has come; `dueAt` is the due time it was filed under. */
export type DueAction = (customerId: string, dueAt: number) => Promise<void>;
export const DUE_ACTION = Symbol('DUE_ACTION');

/**
 * Fires timed decisions (expiries, extensions, reminders): every `SCHEDULER_INTERVAL_MS` it asks
 * the due index which customers are due by the injected clock, and runs the service's action for
 * each. Moving the clock is all a test needs to do.
 */
@Injectable()
export class DueScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger(DueScheduler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly customers: CustomerStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(DUE_ACTION) private readonly action?: DueAction,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.action || !this.customers.dueIndex) return;
    const interval = Number(process.env.SCHEDULER_INTERVAL_MS ?? 30_000);
    this.timer = setInterval(() => void this.tick(), interval);
    this.timer.unref();
  }

  /** One pass over what is due now; passes never overlap. Returns how many customers it handled. */
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
    if (!this.action || !index) return 0;
    let handled = 0;
    for (const { id, dueAt } of await index.due(this.clock.now().getTime())) {
      try {
        await this.action(id, dueAt);
        handled++;
      } catch (error) {
        this.log.error({ msg: `timed decision for ${id} failed; retried at the next pass: ${(error as Error).message}`, customerId: id });
      }
    }
    return handled;
  }

  /** Before Redis and Kafka close: no new pass, and the one under way finishes. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
