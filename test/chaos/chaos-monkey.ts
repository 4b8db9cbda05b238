import type { ChaosConfig } from './config';
import { Random } from './random';

/** One disturbance, at a point of the stream (0..1: the share of commands sent). */
export type ChaosAction =
  | { at: number; kind: 'kill'; target: string; downtimeMs: number }
  | { at: number; kind: 'restart-broker' }
  | { at: number; kind: 'wipe-redis' };

/** What happened, when: the report's timeline. */
export interface ChaosMoment {
  at: number;
  what: string;
}

export interface ChaosHands {
  instances(): string[];
  isRunning(label: string): boolean;
  kill(label: string): boolean;
  start(label: string): Promise<void>;
  restartBroker(): Promise<void>;
  wipeRedis(): Promise<void>;
}

/**
 * The plan, from the seed: `kills` SIGKILLs of random instances (each down for a random while),
 * one broker restart and one Redis wipe, all inside the stream but before its calm tail.
 */
export function planChaos(config: ChaosConfig, rng: Random, instances: string[]): ChaosAction[] {
  const r = rng.fork('chaos');
  const end = 1 - config.calmTail;
  const actions: ChaosAction[] = [];
  for (let i = 0; i < config.kills; i++) {
    actions.push({ at: 0.05 + r.float() * (end - 0.05), kind: 'kill', target: r.pick(instances), downtimeMs: r.int(config.downtimeMs.min, config.downtimeMs.max) });
  }
  actions.push({ at: 0.3 + r.float() * 0.2, kind: 'restart-broker' });
  actions.push({ at: 0.55 + r.float() * Math.max(0, end - 0.6), kind: 'wipe-redis' });
  return actions.sort((a, b) => a.at - b.at);
}

/**
 * Carries the plan out as the stream advances. Kills are instant and their restarts come after the
 * downtime; the broker restart takes a while, and nothing else starts meanwhile. A kill whose
 * target is already down (still restarting) takes another running instance.
 */
export class ChaosMonkey {
  readonly timeline: ChaosMoment[] = [];
  readonly counts = { kills: 0, restarts: 0, brokerRestarts: 0, redisWipes: 0, failedRestarts: 0 };
  private next = 0;
  private busy?: Promise<void>;
  private readonly pending = new Set<Promise<void>>();
  private readonly rng: Random;

  constructor(
    private readonly plan: ChaosAction[],
    private readonly hands: ChaosHands,
    rng: Random,
  ) {
    this.rng = rng.fork('monkey');
  }

  /** Called as the stream goes: starts whatever the plan has due by `progress`. */
  progress(progress: number): void {
    if (this.busy) return;
    while (this.next < this.plan.length && this.plan[this.next].at <= progress && !this.busy) {
      this.carryOut(this.plan[this.next++]);
    }
  }

  /** Whatever was started (restarts after their downtime included) has finished; bounded. */
  async finished(timeoutMs: number): Promise<void> {
    const all = Promise.all([this.busy, ...this.pending]);
    await Promise.race([all, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
  }

  private carryOut(action: ChaosAction): void {
    switch (action.kind) {
      case 'kill': {
        const running = this.hands.instances().filter((label) => this.hands.isRunning(label));
        if (running.length === 0) return;
        const target = this.hands.isRunning(action.target) ? action.target : this.rng.pick(running);
        this.hands.kill(target);
        this.counts.kills++;
        this.note(`SIGKILL ${target} (down ${action.downtimeMs} ms)`);
        this.track(
          sleep(action.downtimeMs).then(async () => {
            this.note(`restart ${target}`);
            this.counts.restarts++;
            await this.hands.start(target).catch((error) => {
              this.counts.failedRestarts++;
              this.note(`restart of ${target} failed: ${(error as Error).message.split('\n')[0]}`);
            });
          }),
        );
        return;
      }
      case 'restart-broker':
        this.note('broker: stopping');
        this.busy = this.hands
          .restartBroker()
          .then(() => {
            this.counts.brokerRestarts++;
            this.note('broker: started again');
          })
          .catch((error) => this.note(`broker restart failed: ${(error as Error).message.split('\n')[0]}`))
          .finally(() => (this.busy = undefined));
        return;
      case 'wipe-redis':
        this.note('Redis: deleting every key under the prefix');
        this.track(
          this.hands.wipeRedis().then(
            () => {
              this.counts.redisWipes++;
              this.note('Redis: keys deleted');
            },
            (error) => this.note(`Redis wipe failed: ${(error as Error).message}`),
          ),
        );
        return;
    }
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private note(what: string): void {
    this.timeline.push({ at: Date.now(), what });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
