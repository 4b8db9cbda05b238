import { isolateTestRun } from './isolation';
import { RunningSystem, startSystem } from './system';
import { TopicProbe } from './topic-probe';
import { Upstream } from './upstream';
import { WebhookReceiver } from './webhook-receiver';

/**
 * One end-to-end test file's world: its own Kafka namespace and Redis prefix, a probe on every
 * topic, the upstream systems, a webhook receiver and the four services, started before the
 * file's own `beforeAll` hooks and stopped and cleaned up after its tests.
 */
export function endToEnd(label: string) {
  const world = isolateTestRun(label);
  const probe = new TopicProbe();
  const receiver = new WebhookReceiver();
  let system: RunningSystem | undefined;

  beforeAll(async () => {
    await receiver.start();
    await probe.start();
    system = await startSystem();
  });

  afterAll(async () => {
    await system?.stop();
    await probe.stop();
    await receiver.stop();
    await world.cleanup();
  });

  return {
    world,
    probe,
    receiver,
    upstream: new Upstream(probe),
    get system(): RunningSystem {
      if (!system) throw new Error('the system starts in beforeAll: use it inside hooks and tests');
      return system;
    },
  };
}
