/**
 * The running directory-service serves the AsyncAPI document (DESIGN §9): `GET /asyncapi` is the
 * document generated from the contract's classes, byte for byte what docs/asyncapi.json holds, and
 * `GET /asyncapi.yaml` the same document in YAML. Real Kafka and Redis, as every service starts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Type } from '@nestjs/common';
import { parse } from 'yaml';
import { asyncApiDocument } from '@mp/contracts';
import { isolateTestRun } from './support/isolation';
import { RunningService, startService } from './support/service-harness';

describe('GET /asyncapi on the running directory-service', () => {
  let run: ReturnType<typeof isolateTestRun>;
  let service: RunningService | undefined;

  beforeAll(async () => {
    run = isolateTestRun('asyncapi');
    // Loaded only now, so the module reads the isolated environment.
    const { DirectoryServiceModule } = (await import('../apps/directory-service/src/directory-service.module')) as { DirectoryServiceModule: Type };
    const { directoryServiceOptions } = await import('../apps/directory-service/src/directory-service.options');
    service = await startService(DirectoryServiceModule, directoryServiceOptions);
  });

  afterAll(async () => {
    await service?.close();
    await run?.cleanup();
  });

  it('answers the generated document as JSON, the one committed in docs/asyncapi.json', async () => {
    const response = await fetch(`${service!.url}/asyncapi`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const served = (await response.json()) as { asyncapi: string };
    expect(served).toEqual(asyncApiDocument());
    expect(served).toEqual(JSON.parse(readFileSync(join(__dirname, '..', 'docs', 'asyncapi.json'), 'utf8')));
    expect(served.asyncapi).toBe('3.0.0');
  });

  it('answers the same document as YAML at /asyncapi.yaml', async () => {
    const response = await fetch(`${service!.url}/asyncapi.yaml`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(parse(await response.text())).toEqual(asyncApiDocument());
  });

  it('keeps it out of the OpenAPI document of the queries at /docs', async () => {
    const openApi = (await (await fetch(`${service!.url}/docs-json`)).json()) as { paths: Record<string, unknown> };
    const paths = Object.keys(openApi.paths);
    expect(paths).toContain('/v1/customers/{customerId}/resellers');
    expect(paths.filter((path) => path.startsWith('/asyncapi'))).toEqual([]);
  });
});
