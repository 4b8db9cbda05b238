import Redis from 'ioredis';
import { DirectoryServiceModule } from '../../apps/directory-service/src/directory-service.module';
import { directoryServiceOptions } from '../../apps/directory-service/src/directory-service.options';
import { eventually } from '../support/eventually';
import { isolateTestRun } from '../support/isolation';
import { opsHeaders } from '../support/tokens';
import { RunningService, startService } from '../support/service-harness';
import { TopicProbe } from '../support/topic-probe';
import { Upstream } from '../support/upstream';
import { ops } from './ops-process';

/**
 * `ops rebuild` against a running directory-service: the read models are forgotten in one step,
 * the directory rebuilds them from the topics as after a loss of Redis, and the CLI follows its
 * progress until every partition is built; the directory then answers as before.
 */
describe('ops rebuild', () => {
  const world = isolateTestRun('ops-rebuild');
  const probe = new TopicProbe();
  const upstream = new Upstream(probe);
  const redis = new Redis(process.env.REDIS_URL!);
  let directory: RunningService;
  const customers = [world.id('cust'), world.id('cust'), world.id('cust')];

  const get = async (path: string) => {
    const response = await fetch(`${directory.url}${path}`, { headers: await opsHeaders() });
    return { status: response.status, body: await response.json() };
  };
  const generation = () => redis.get(`${world.keyPrefix}directory:state:generation`);

  beforeAll(async () => {
    await probe.start();
    directory = await startService(DirectoryServiceModule, directoryServiceOptions);
    await upstream.partner(world.id('partner'));
    for (const id of customers) await upstream.customer(id, ['admin-1']);
    for (const id of customers) await eventually(`${id} in the directory`, async () => (await get(`/v1/customers/${id}/subscriptions`)).status === 200);
  });

  afterAll(async () => {
    await directory?.close();
    await probe.stop();
    redis.disconnect();
    await world.cleanup();
  });

  it('refuses without --yes when it cannot ask, saying what it would do', async () => {
    const result = await ops(['rebuild']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      new RegExp(`^ops: refusing without --yes: This forgets the directory's read models \\(\\d+ keys under ${world.keyPrefix}directory:\\) and has the directory-service \\(1 instance\\) rebuild them from \\d+ partitions`),
    );
    expect(await generation()).not.toBeNull();
  });

  it('refuses when no directory-service runs to do it', async () => {
    const result = await ops(['rebuild', '--yes'], { KAFKA_NAMESPACE: `${world.namespace}elsewhere.` });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`ops: no directory-service is running (its group ${world.namespace}elsewhere.directory-service has no member)`);
  });

  it('forgets the read models, follows the running directory rebuilding them, and it answers as before', async () => {
    const before = await Promise.all(customers.map((id) => get(`/v1/customers/${id}/subscriptions`)));
    const oldGeneration = await generation();

    const result = await ops(['rebuild', '--yes', '--timeout', '120']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^forgot \d+ keys; the directory rebuilds its read models from the topics$/m);
    expect(result.stderr).toMatch(/\d+ s: \d+\/\d+ partitions built, /);
    expect(result.stdout).toMatch(/mp\.customer-events\.v1\s+│\s+0\s+│\s+built\s+│/);
    expect(result.stdout).not.toMatch(/waiting|building/);
    expect(result.stdout).toMatch(/^rebuilt: \d+ partitions, \d+ messages, in [\d.]+ s$/m);

    const newGeneration = await generation();
    expect(newGeneration).not.toBeNull();
    expect(newGeneration).not.toBe(oldGeneration);
    // The CLI follows the build record in Redis; the directory takes note of the last partition a
    // moment after writing it, and answers 503 with Retry-After until then, as during the rebuild.
    const after = await eventually('the rebuilt directory to answer', async () => {
      const answers = await Promise.all(customers.map((id) => get(`/v1/customers/${id}/subscriptions`)));
      return answers.every((a) => a.status !== 503) && answers;
    });
    expect(after).toEqual(before);
  });
});
