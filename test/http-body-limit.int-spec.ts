/**
 * Input limits on HTTP (DESIGN §10): every service reads JSON bodies only up to
 * HTTP_MAX_BODY_BYTES (64 KiB by default); a larger one is refused with 413 before it is parsed,
 * whatever the route, and the service goes on answering.
 */
import type { Type } from '@nestjs/common';
import { isolateTestRun } from './support/isolation';
import { RunningService, startService } from './support/service-harness';

jest.setTimeout(120_000);

describe('the HTTP body limit', () => {
  const world = isolateTestRun('body-limit');
  let service: RunningService;

  beforeAll(async () => {
    const { DirectoryServiceModule } = (await import('../apps/directory-service/src/directory-service.module')) as { DirectoryServiceModule: Type };
    const { directoryServiceOptions } = await import('../apps/directory-service/src/directory-service.options');
    service = await startService(DirectoryServiceModule, directoryServiceOptions);
  });

  afterAll(async () => {
    await service?.close();
    await world.cleanup();
  });

  const post = (bytes: number) =>
    fetch(`${service.url}/v1/customers/c-1/resellers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(bytes) }),
    });

  it('refuses a body over 64 KiB with 413', async () => {
    const response = await post(70 * 1024);
    expect(response.status).toBe(413);
  });

  it('reads a body under the limit (the route then answers as it does: not 413)', async () => {
    const response = await post(60 * 1024);
    expect(response.status).not.toBe(413);
    expect([401, 404, 405]).toContain(response.status);
  });

  it('answers normally afterwards', async () => {
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
  });
});
