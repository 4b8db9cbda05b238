import { createRedisClient, keyHolders, RedisClient, redisSettingsOf } from '@mp/redis';
import { endToEnd } from '../support/end-to-end';
import { eventually } from '../support/eventually';
import { provideRedisCluster, TestRedisCluster } from '../support/redis-cluster';

/**
 * One master of a Redis Cluster lost with its data (restarted empty, no replica to take over): a
 * part of the state is gone, the generation marker maybe not; each master's copy of the generation
 * tells. On a cluster of its own (it empties one master), with the four services on it.
 */
describe('losing one master of a Redis Cluster', () => {
  let cluster: TestRedisCluster;
  let redis: RedisClient;
  const givenUrl = process.env.REDIS_URL;
  beforeAll(async () => {
    cluster = await provideRedisCluster({ env: { ...process.env, REDIS_URL: undefined } });
    process.env.REDIS_URL = cluster.url;
    redis = createRedisClient(redisSettingsOf({ REDIS_URL: cluster.url, REDIS_KEY_PREFIX: '' }));
  });
  const e2e = endToEnd('cluster-master-loss');
  const { world, upstream } = e2e;
  afterAll(async () => {
    redis?.disconnect();
    process.env.REDIS_URL = givenUrl;
    await cluster?.stop();
  });

  /** The port of the master that serves `key` (a whole key, prefix included). */
  async function masterOf(key: string): Promise<number> {
    const slot = Number(await redis.cluster('KEYSLOT', key));
    const ranges = await redis.cluster('SLOTS');
    return ranges.find(([from, to]) => slot >= from && slot <= to)![2][1];
  }

  it('is noticed by the copies of the generation on every master, and every service rebuilds what was on it', async () => {
    // A customer whose keys are on another master than the directory's markers.
    const markers = await Promise.all(['directory:state:generation', 'directory:state:partitions'].map((key) => masterOf(`${world.keyPrefix}${key}`)));
    let customerId = world.id('cust');
    while (markers.includes(await masterOf(`${world.keyPrefix}directory:customer:{${customerId}}`))) customerId = world.id('cust');
    const lost = await masterOf(`${world.keyPrefix}directory:customer:{${customerId}}`);

    const admin = { userId: world.id('admin') };
    const resellerId = world.id('res');
    await upstream.partner(resellerId);
    await upstream.customer(customerId, [admin.userId]);
    expect((await upstream.request({ requestId: 'r-1', customerId, resellerId, services: ['Azure'], requestedBy: { userId: world.id('agent') } })).type).toBe('RelationshipRequested');
    expect((await upstream.approve({ requestId: 'r-1', customerId, approvedBy: admin })).type).toBe('RelationshipEstablished');
    await e2e.system.settled();
    const path = `/v1/customers/${customerId}/resellers`;
    const before = await eventually('the directory to answer', async () => {
      const answer = await e2e.system.directory$(path);
      return answer.status === 200 && answer;
    });

    const generation = await redis.get(`${world.keyPrefix}directory:state:generation`);
    // The master restarts empty: its slots are served again, its keys are gone, the directory's markers are not.
    await (await keyHolders(redis)).find((master) => master.options.port === lost)!.flushall();
    const after = await eventually('the directory to answer as before', async () => {
      const answer = await e2e.system.directory$(path);
      return JSON.stringify(answer.body) === JSON.stringify(before.body) && answer;
    });
    expect(after.status).toBe(200);
    expect(await redis.get(`${world.keyPrefix}directory:state:generation`)).not.toBe(generation);
    // The consent-service's state of the customer came back too: the request is not pending any more.
    expect((await upstream.approve({ requestId: 'r-1', customerId, approvedBy: admin })).data).toMatchObject({ reason: 'REQUEST_NOT_PENDING' });
  });
});
