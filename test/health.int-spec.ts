import { ChildProcess, spawn } from 'node:child_process';
import { Topics } from '@mp/contracts';
import { physicalTopic } from '@mp/messaging';
import Redis from 'ioredis';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { REBUILDING_KEY } from '../apps/directory-service/src/rebuild/rebuild-status';
import { eventually } from './support/eventually';
import { isolateTestRun } from './support/isolation';
import { TopicProbe } from './support/topic-probe';
import { freePort, ServiceProcess } from './messaging/service-process';

jest.setTimeout(240_000);

interface Health {
  status: number;
  body: { status: string; error?: Record<string, { status: string; message?: string }>; details?: Record<string, { status: string; message?: string }> };
}

/**
 * Issue 8, item 2: `/health/ready` answers 200 only when Kafka and Redis answer, the consumer has
 * joined its group and the state (the directory: its read models) is built, and otherwise 503
 * naming the failing check; `/health/live` answers 200 as long as the process runs. Each condition
 * is brought about for real, on a service process: another member holding the group's rebalance,
 * another member owning partitions it never builds, the directory's rebuild flag, a Redis server of
 * the test's own that is not there yet and then goes away, and a broker address where no broker is.
 */
describe('the health of a service process', () => {
  const world = isolateTestRun('health');
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const probe = new TopicProbe();
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: world.keyPrefix });
  const processes: ServiceProcess[] = [];
  const consumers: Consumer[] = [];
  const redisServers: ChildProcess[] = [];
  const topic = (name: (typeof Topics)[keyof typeof Topics]) => physicalTopic({ namespace: world.namespace }, name);

  /** A service process on a free port, not waited for: its health is what the test looks at. */
  async function launch(name: string, portEnv: string, env: NodeJS.ProcessEnv): Promise<{ service: ServiceProcess; url: string }> {
    const port = await freePort();
    const service = ServiceProcess.launch(name, { [portEnv]: String(port), ...env });
    processes.push(service);
    return { service, url: `http://127.0.0.1:${port}` };
  }

  async function health(url: string, which: 'live' | 'ready'): Promise<Health | undefined> {
    const response = await fetch(`${url}/health/${which}`).catch(() => undefined);
    return response && { status: response.status, body: (await response.json()) as Health['body'] };
  }

  /** Waits until `/health/ready` answers and `holds` of what it says; fails naming the last answer. */
  async function readyUntil(url: string, what: string, holds: (health: Health) => boolean, timeoutMs = 90_000): Promise<Health> {
    let last: Health | undefined;
    try {
      return await eventually(what, async () => {
        last = await health(url, 'ready');
        return last !== undefined && holds(last) && last;
      }, timeoutMs);
    } catch (error) {
      throw new Error(`${(error as Error).message}; last /health/ready: ${JSON.stringify(last)}`);
    }
  }

  const up = (h: Health, ...names: string[]) => names.every((name) => h.body.details?.[name]?.status === 'up');
  const down = (h: Health, name: string, message: RegExp) => h.status === 503 && h.body.error?.[name]?.status === 'down' && message.test(h.body.error[name].message ?? '');

  async function expectLive(service: ServiceProcess, url: string): Promise<void> {
    expect(service.isRunning()).toBe(true);
    expect((await health(url, 'live'))?.status).toBe(200);
  }

  /** A consumer of the test's in a service's group, as another instance would be. */
  async function memberOf(groupId: string, topics: string[], options: { sessionTimeout?: number; eachBatch?: () => Promise<void> } = {}): Promise<Consumer> {
    const consumer = kafka.consumer({ groupId, sessionTimeout: options.sessionTimeout ?? 10_000, rebalanceTimeout: options.sessionTimeout ?? 60_000, maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({ eachBatch: options.eachBatch ?? (async () => undefined) });
    await joined;
    return consumer;
  }

  /** A redis-server of the test's own, on a loopback port, keeping nothing on disk. */
  async function startRedisServer(port: number): Promise<ChildProcess> {
    const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    redisServers.push(server);
    const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    await eventually(`redis-server on :${port}`, async () => (await client.connect().then(() => client.ping(), () => undefined)) === 'PONG');
    client.disconnect();
    return server;
  }

  async function stopRedisServer(server: ChildProcess): Promise<void> {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }

  beforeAll(async () => {
    await admin.connect();
    await probe.start();
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
    await Promise.all(redisServers.map(stopRedisServer));
    await probe.stop();
    await admin.disconnect();
    redis.disconnect();
    await world.cleanup();
  });

  it('directory: not ready while its read models are being built or rebuilt, ready once they are', async () => {
    const group = `${world.namespace}health-directory`;
    // Another instance of the group owns some partitions and never builds them, as one still rebuilding would.
    const stateTopics = [Topics.partnerEvents, Topics.customerEvents, Topics.subscriptionEvents, Topics.requestEvents, Topics.relationshipEvents].map(topic);
    const other = await memberOf(group, stateTopics);
    const { service, url } = await launch('directory-service', 'DIRECTORY_PORT', { KAFKA_GROUP_ID: 'health-directory' });

    const building = await readyUntil(url, 'the state check down with Kafka and Redis up', (h) => down(h, 'state', /the state is being built from the topics/) && up(h, 'kafka', 'redis'));
    expect(building.body.status).toBe('error');
    await expectLive(service, url);

    // The other instance leaves: the directory takes its partitions, builds them, and is ready.
    await other.disconnect();
    const ready = await readyUntil(url, 'ready', (h) => h.status === 200);
    expect(ready.body).toMatchObject({ status: 'ok', details: { kafka: { status: 'up' }, redis: { status: 'up' }, state: { status: 'up' }, readModels: { status: 'up' } } });

    // An operator's rebuild of the read models (the flag the rebuild sets): not ready meanwhile.
    await redis.set(REBUILDING_KEY, String(Date.now() + 60_000));
    const rebuilding = await readyUntil(url, 'readModels down', (h) => down(h, 'readModels', /the read models are being rebuilt/) && up(h, 'kafka', 'redis', 'state'));
    expect(rebuilding.body.error!.readModels).toMatchObject({ retryAfterSeconds: expect.any(Number) });
    await expectLive(service, url);
    await redis.del(REBUILDING_KEY);
    await readyUntil(url, 'ready again', (h) => h.status === 200);
  });

  it('request-service: not ready while its consumer has not joined its group, ready once it has', async () => {
    const groupId = `${world.namespace}health-join`;
    // Another member takes a batch and sits on it without heartbeats: the group's rebalance, and
    // so the service's join, waits for it (up to its session timeout of two minutes).
    let entered!: () => void;
    const inBatch = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await probe.publish('CustomerRegistered', { customerId: world.id('cust'), name: 'Contoso', country: 'FR', admins: ['admin-1'] });
    const holder = await memberOf(groupId, [topic(Topics.customerEvents)], {
      sessionTimeout: 120_000,
      eachBatch: async () => {
        entered();
        await released;
      },
    });
    await inBatch;

    const { service, url } = await launch('request-service', 'REQUEST_PORT', { KAFKA_GROUP_ID: 'health-join' });
    const joining = await readyUntil(url, 'kafka down: not joined', (h) => down(h, 'kafka', /^the consumer has not joined its group yet \(starting\)$/) && up(h, 'redis'));
    expect(joining.body.status).toBe('error');
    // It is in the middle of joining: the group waits for the member that holds its batch.
    expect((await admin.describeGroups([groupId])).groups[0].state).toBe('PreparingRebalance');
    await expectLive(service, url);

    release();
    await holder.disconnect();
    const ready = await readyUntil(url, 'ready once joined', (h) => h.status === 200);
    expect(ready.body.details).toMatchObject({ kafka: { status: 'up' }, redis: { status: 'up' }, state: { status: 'up' } });
  });

  it('request-service: not ready while Redis is unreachable, at start and later, and ready while it answers', async () => {
    const port = await freePort();
    // Nothing listens on the port yet.
    const { service, url } = await launch('request-service', 'REQUEST_PORT', { REDIS_URL: `redis://127.0.0.1:${port}`, KAFKA_GROUP_ID: 'health-redis' });
    const noRedis = await readyUntil(url, 'redis down at start', (h) => down(h, 'redis', /^Redis is not connected \((connecting|reconnecting)\)$/));
    expect(noRedis.status).toBe(503);
    await expectLive(service, url);

    const server = await startRedisServer(port);
    const ready = await readyUntil(url, 'ready once Redis answers', (h) => h.status === 200);
    expect(ready.body.details).toMatchObject({ kafka: { status: 'up' }, redis: { status: 'up' }, state: { status: 'up' } });

    await stopRedisServer(server);
    await readyUntil(url, 'redis down once it is gone', (h) => down(h, 'redis', /^Redis is not connected/) && up(h, 'kafka'));
    await expectLive(service, url);
  });

  it('request-service: not ready while no broker answers, and alive: the start is tried again rather than crashing', async () => {
    const nowhere = `127.0.0.1:${await freePort()}`;
    const { service, url } = await launch('request-service', 'REQUEST_PORT', { KAFKA_BROKERS: nowhere, KAFKA_GROUP_ID: 'health-kafka' });
    const noKafka = await readyUntil(url, 'kafka down', (h) => down(h, 'kafka', /^no broker answers: .*ECONNREFUSED/));
    expect(noKafka.body.error!.kafka.message).toContain(nowhere);
    await expectLive(service, url);

    // kafkajs gives up on the first start after its retries: the transport says so and tries again.
    await eventually('the failed start logged', () => service.logs().includes('could not start consuming (1 in a row)'), 120_000);
    await expectLive(service, url);
    expect((await health(url, 'ready'))?.status).toBe(503);
  });
});
