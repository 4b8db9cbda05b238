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

  /**
   * The answer to a command that waits for what it names (DESIGN §7): once the system has taken
   * the command in, the clock is moved past the wait, and the refusal comes.
   */
  async function afterTheWait<T>(answer: Promise<T>): Promise<T> {
    const running = system!;
    await running.settled();
    running.clock.set(new Date(running.clock.now().getTime() + Number(process.env.COMMAND_WAIT_SECONDS) * 1000));
    return answer;
  }

  return {
    world,
    afterTheWait,
    probe,
    receiver,
    upstream: new Upstream(probe),
    get system(): RunningSystem {
      if (!system) throw new Error('the system starts in beforeAll: use it inside hooks and tests');
      return system;
    },
  };
}
