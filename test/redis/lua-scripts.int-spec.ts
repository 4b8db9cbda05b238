import Redis from 'ioredis';
import { Lease } from '@mp/redis';
import { isolateTestRun } from '../support/isolation';

/**
 * ioredis copies a client's Lua commands into each pipeline when it makes it. With automatic
 * pipelining, a command sent while the client is still connecting (or while an earlier pipeline is
 * in flight) opens a pipeline that waits; a script defined after that and called before it leaves
 * used to land in it without being known: the call failed, and when the pipeline came back the
 * process died of an uncaught "results[i] is not iterable" (seen at `npm start`: the
 * notification-service defined its scripts while the first commands waited for the connection).
 */
describe('Lua commands on a client with automatic pipelining', () => {
  const world = isolateTestRun('lua-scripts');
  let redis: Redis;

  beforeEach(() => {
    redis = new Redis(process.env.REDIS_URL!, { keyPrefix: world.keyPrefix, enableAutoPipelining: true, maxRetriesPerRequest: 3 });
  });

  afterEach(async () => {
    await redis.quit();
  });

  afterAll(() => world.cleanup());

  it('works when the script is defined while commands wait for the connection', async () => {
    const waiting = redis.set('before', '1'); // the client is still connecting: this pipeline waits
    const lease = new Lease(redis, 'lease', 'holder-1', 5_000); // defines its script now

    await expect(lease.hold()).resolves.toBe(true);
    await expect(waiting).resolves.toBe('OK');
    await expect(redis.get('before')).resolves.toBe('1');
  });

  it('keeps the order of a caller that does not wait between a command and a script', async () => {
    await redis.ping();
    const lease = new Lease(redis, 'ordered', 'holder-2', 5_000);
    const cleared = redis.del('ordered'); // not awaited: the script's call must come after it
    const held = lease.hold();
    await cleared;
    await expect(held).resolves.toBe(true);
    await expect(redis.get('ordered')).resolves.toBe('holder-2');
  });
});
