import 'reflect-metadata';
import { KafkaTransport } from '@mp/messaging';
import { StateRebuild } from '@mp/state';
import { DirectoryServiceModule } from '../apps/directory-service/src/directory-service.module';
import { directoryServiceOptions } from '../apps/directory-service/src/directory-service.options';
import { eventually } from './support/eventually';
import { isolateTestRun } from './support/isolation';
import { customerData } from './support/notification-fixtures';
import { RunningService, startService } from './support/service-harness';
import { opsHeaders } from './support/tokens';
import { TopicProbe } from './support/topic-probe';

// Isolation first: the service reads its Kafka namespace and Redis prefix when it is created.
const world = isolateTestRun('rebuild-replay');

/**
 * DESIGN §7, Redis lost: a partition started over folds again, as a replay, every message it had
 * handled before, whatever the seen ids say. A message handled between the loss and its discovery
 * (a second at most) is marked seen on the empty state; were it fetched again before it is known as
 * a replay, it would be skipped as seen, and its effect lost for good. The chaos run found that once
 * (seed 2115592317: a SubscriptionCancelled that came right after the Redis wipe, and a directory
 * that kept the subscription active).
 */
describe('a partition started over after Redis was lost (real Kafka and Redis)', () => {
  const probe = new TopicProbe();
  let directory: RunningService;

  beforeAll(async () => {
    await probe.start();
    directory = await startService(DirectoryServiceModule, directoryServiceOptions);
  });

  afterAll(async () => {
    await directory?.close();
    await probe.stop();
    await world.cleanup();
  });

  it('knows what it had handled as a replay from the moment it is rewound, so nothing handled meanwhile is skipped as seen', async () => {
    const customerId = world.id('cust');
    const subscriptionId = world.id('sub');
    const path = `${directory.url}/v1/customers/${customerId}/subscriptions`;
    const headers = await opsHeaders();
    const statusOf = async () => {
      const response = await fetch(path, { headers });
      return response.ok ? ((await response.json()) as { subscriptions: Array<{ status: string }> }).subscriptions[0]?.status : undefined;
    };
    await probe.publish('CustomerRegistered', customerData(customerId, {}));
    await probe.publish('SubscriptionCreated', { subscriptionId, customerId, partnerOfRecordId: world.id('res'), service: 'Azure', quantity: 2 });
    await eventually('the subscription, active', async () => (await statusOf()) === 'active');

    // Each rewind, as the consumer will see it once it fetches again (the next turn of the event loop at the soonest).
    const transport = directory.app.get(KafkaTransport);
    const keeper = directory.app.get(StateRebuild);
    const rewinds: Array<{ partition: string; begun: bigint; replay?: boolean }> = [];
    const seek = transport.seekToBeginning.bind(transport);
    transport.seekToBeginning = (topic, partition) => {
      const begun = seek(topic, partition);
      const rewind: (typeof rewinds)[number] = { partition: `${topic}|${partition}`, begun };
      rewinds.push(rewind);
      if (begun > 0n) setImmediate(() => (rewind.replay = keeper.isReplay(topic, partition, String(begun - 1n))));
      return begun;
    };

    // Redis lost, and the cancellation right behind it: handled on the empty state before the loss is found.
    await world.deleteKeys();
    await probe.publish('SubscriptionCancelled', { subscriptionId, customerId });

    await eventually('the subscription, cancelled, on the rebuilt state', async () => (await statusOf()) === 'cancelled');
    const handledBefore = rewinds.filter((r) => r.begun > 0n);
    expect(handledBefore.length).toBeGreaterThan(0);
    expect(handledBefore.filter((r) => r.replay !== true)).toEqual([]);
  });
});
