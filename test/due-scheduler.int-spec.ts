import { readEnvironment } from '@mp/config';
import Redis from 'ioredis';
import { ManualClock } from '@mp/domain';
import { CustomerStore, DueScheduler, StateRebuild } from '@mp/state';
import { isolateTestRun } from './support/isolation';

/** Timers fire once however many instances of a service run (DESIGN §7), against the real Redis. */
describe('the due scheduler', () => {
  const world = isolateTestRun('scheduler');
  const clock = new ManualClock(new Date('2026-03-01T09:00:00.000Z'));
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: world.keyPrefix });
  const fired: string[] = [];
  const work = { run: async (customerId: string) => void fired.push(customerId) };
  const store = new CustomerStore(redis, 'sched', () => undefined);
  // Two instances of one service: the same keys, each its own scheduler.
  // The state is built (its rebuild is tested end to end in test/e2e/redis-loss.e2e-spec.ts).
  const built = { building: () => false } as StateRebuild;
  const instances = [0, 1].map(() => new DueScheduler(store, clock, redis, readEnvironment({}), built, work));

  afterAll(async () => {
    await Promise.all(instances.map((s) => s.beforeApplicationShutdown()));
    redis.disconnect();
    await world.cleanup();
  });

  it('fires a due customer on one instance only, and the other takes over when the first is gone', async () => {
    await store.dueIndex!.set('cust-1', clock.now().getTime() - 1);
    await Promise.all(instances.map((s) => s.tick()));
    expect(fired).toEqual(['cust-1']);

    // The holder shuts down and gives its lease up: the other instance fires from then on.
    await instances[0].beforeApplicationShutdown();
    fired.length = 0;
    await instances[1].tick();
    expect(fired).toEqual(['cust-1']);
  });
});
