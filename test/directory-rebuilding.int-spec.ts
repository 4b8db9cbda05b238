import Redis from 'ioredis';
import { DirectoryServiceModule } from '../apps/directory-service/src/directory-service.module';
import { directoryServiceOptions } from '../apps/directory-service/src/directory-service.options';
import { REBUILDING_KEY } from '../apps/directory-service/src/rebuild/rebuild-status';
import { eventually } from './support/eventually';
import { isolateTestRun } from './support/isolation';
import { RunningService, startService } from './support/service-harness';
import { opsHeaders } from './support/tokens';

/** DESIGN §6: a read model that is still rebuilding answers 503 with Retry-After. */
describe('the directory while its read models rebuild', () => {
  const world = isolateTestRun('rebuilding');
  const redis = new Redis(process.env.REDIS_URL!, { keyPrefix: world.keyPrefix });
  let directory: RunningService;

  beforeAll(async () => {
    directory = await startService(DirectoryServiceModule, directoryServiceOptions);
  });

  afterAll(async () => {
    await directory?.close();
    redis.disconnect();
    await world.cleanup();
  });

  it('answers 503 with Retry-After while the rebuild flag is set, and queries again once it is gone', async () => {
    const url = `${directory.url}/v1/customers/nobody/resellers`;
    const headers = await opsHeaders();
    const get = () => fetch(url, { headers });
    expect((await get()).status).toBe(404);

    await redis.set(REBUILDING_KEY, String(Date.now() + 30_000));
    const busy = await eventually('a 503', async () => {
      const response = await get();
      return response.status === 503 && response;
    });
    expect(Number(busy.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(busy.headers.get('retry-after'))).toBeLessThanOrEqual(30);
    expect(await busy.json()).toMatchObject({ statusCode: 503, message: expect.stringContaining('rebuilding') });
    // Health still answers: the service is alive, only its read models are not ready.
    expect((await fetch(`${directory.url}/health/live`)).status).toBe(200);

    await redis.del(REBUILDING_KEY);
    await eventually('queries again', async () => (await get()).status === 404);
  });
});
