import Redis from 'ioredis';
import { CustomerState, ManualClock, message } from '@mp/domain';
import { createKafka, EventPublisher, kafkaSettingsFromEnv } from '@mp/messaging';
import { Loaded, Outbox } from '@mp/redis';
import { CustomerCommandHandler, CustomerStore, StateRebuild } from '@mp/state';
import { isolateTestRun } from './support/isolation';
import { TopicProbe } from './support/topic-probe';

/** A store that dies at one chosen point of a save, once: the process crash of a fault test, in-process. */
class CrashingStore extends CustomerStore {
  crashAt?: 'before-save' | 'after-save';

  override async save(id: string, loaded: Loaded<CustomerState>, next: CustomerState, seenIds: readonly string[], outbox?: Outbox): Promise<void> {
    const crash = this.crashAt;
    this.crashAt = undefined;
    if (crash === 'before-save') throw new Error('crash before the save');
    await super.save(id, loaded, next, seenIds, outbox);
    if (crash === 'after-save') throw new Error('crash after the save');
  }
}

/**
 * DESIGN §7: killing a service at any moment loses nothing and applies nothing twice. The handler
 * is crashed at each point of its way, then the command is delivered again, as Kafka does when
 * its offset was not committed, with the clock moved on: what went out is the same every time.
 */
describe('a command handler crashed at each point, then given the command again', () => {
  const world = isolateTestRun('crash-points');
  const probe = new TopicProbe();
  const clock = new ManualClock(new Date('2026-03-01T09:00:00.000Z'));
  const redis = new Redis(process.env.REDIS_URL!, { keyPrefix: world.keyPrefix });
  const settings = kafkaSettingsFromEnv('crash-test');
  const publisher = new EventPublisher(settings, createKafka(settings));
  const store = new CrashingStore(redis, 'crash', () => undefined);
  // Redis holds its state (the loss of Redis is tested end to end in test/e2e/redis-loss.e2e-spec.ts).
  const stateThere = { stale: async () => false } as StateRebuild;
  const handler = new CustomerCommandHandler(store, publisher, clock, { waitMs: 0 }, stateThere);
  // A decision whose content depends on the time it is taken, as `RelationshipRequested` does.
  const decide = (customer: CustomerState, now: Date) => [
    message('SubscriptionCancelled', { subscriptionId: `sub-at-${now.toISOString()}`, customerId: customer.customerId }),
  ];

  beforeAll(() => probe.start());
  afterAll(async () => {
    await publisher.onApplicationShutdown();
    await probe.stop();
    redis.disconnect();
    await world.cleanup();
  });

  it.each(['before-save', 'after-save'] as const)('crashed %s: one event id, one content', async (point) => {
    const command = { id: world.id('cmd'), type: 'SomeCommand' };
    const customerId = world.id('cust');
    store.crashAt = point;
    await expect(handler.handle(command, customerId, decide)).rejects.toThrow('crash');
    clock.advanceDays(1);
    await handler.handle(command, customerId, decide);
    await handler.handle(command, customerId, decide);

    await probe.waitFor('the event', () => probe.events('SubscriptionCancelled', (e) => e.causationid === command.id).length > 0);
    // Give a second, different event every chance to show up.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const all = probe.events('SubscriptionCancelled', (e) => e.causationid === command.id);
    expect(new Set(all.map((e) => e.id)).size).toBe(1);
    expect(new Set(all.map((e) => JSON.stringify(e))).size).toBe(1);
    expect(await store.get(customerId)).toBeDefined();
  });
});
