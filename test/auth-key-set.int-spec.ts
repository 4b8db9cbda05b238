/**
 * Tokens signed by an identity provider's keys (`AUTH_JWKS_URL`, DESIGN §10), the key set served
 * on 127.0.0.1: a key added later (rotation) is fetched when a token names it; a key set that
 * cannot be had is the service's trouble, not the caller's (503 with Retry-After, not 401). The
 * directory here has no AUTH_JWT_SECRET, so an HS256 token is refused.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Type } from '@nestjs/common';
import { AuthenticationFailure, tokenVerifier } from '@mp/auth';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { freePort } from './messaging/service-process';
import { isolateTestRun } from './support/isolation';
import { RunningService, startService } from './support/service-harness';

jest.setTimeout(120_000);

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

describe('bearer tokens signed by the keys of AUTH_JWKS_URL', () => {
  const world = isolateTestRun('auth-jwks');
  let server: Server;
  let url: string;
  /** What the key set answers: its keys, or a status with no keys. */
  const published: { keys: JWK[]; status: number } = { keys: [], status: 200 };
  let first: KeyPair;
  let rotated: KeyPair;

  const sign = (key: KeyPair, kid: string, claims: Record<string, unknown> = { role: 'ops' }) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid }).setSubject('idp-user').setExpirationTime('5m').sign(key.privateKey);

  beforeAll(async () => {
    first = await generateKeyPair('ES256');
    rotated = await generateKeyPair('ES256');
    published.keys = [{ ...(await exportJWK(first.publicKey)), kid: 'k-1', alg: 'ES256' }];
    server = createServer((_req, res) => {
      if (published.status !== 200) res.writeHead(published.status).end('unavailable');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published.keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await world.cleanup();
  });

  it('fetches a key added to the set when a token names it (rotation)', async () => {
    const verify = tokenVerifier({ jwksUrl: url });
    await expect(verify(await sign(first, 'k-1'))).resolves.toEqual({ sub: 'idp-user', role: 'ops' });
    published.keys = [...published.keys, { ...(await exportJWK(rotated.publicKey)), kid: 'k-2', alg: 'ES256' }];
    // A fresh verifier: jose waits 30 s before it fetches a set again for an unknown kid.
    await expect(tokenVerifier({ jwksUrl: url })(await sign(rotated, 'k-2'))).resolves.toEqual({ sub: 'idp-user', role: 'ops' });
  });

  it('a key set answering 500, or nobody listening: "unavailable", not a refusal of the token', async () => {
    published.status = 500;
    try {
      await expect(tokenVerifier({ jwksUrl: url })(await sign(first, 'k-1'))).rejects.toEqual(expect.objectContaining({ kind: 'unavailable', message: expect.stringMatching(/^The keys that sign the tokens cannot be fetched: /) }));
    } finally {
      published.status = 200;
    }
    const closed = `http://127.0.0.1:${await freePort()}/jwks.json`;
    const failure = await tokenVerifier({ jwksUrl: closed })(await sign(first, 'k-1')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AuthenticationFailure);
    expect(failure).toMatchObject({ kind: 'unavailable' });
  });

  describe('a directory whose key set cannot be fetched', () => {
    let directory: RunningService;

    beforeAll(async () => {
      process.env.AUTH_JWKS_URL = `http://127.0.0.1:${await freePort()}/jwks.json`;
      delete process.env.AUTH_JWT_SECRET;
      const { DirectoryServiceModule } = (await import('../apps/directory-service/src/directory-service.module')) as { DirectoryServiceModule: Type };
      const { directoryServiceOptions } = await import('../apps/directory-service/src/directory-service.options');
      directory = await startService(DirectoryServiceModule, directoryServiceOptions);
    });

    afterAll(async () => {
      await directory?.close();
      delete process.env.AUTH_JWKS_URL;
    });

    it('answers 503 with Retry-After to a token it cannot check, and 401 to an HS256 token it has no secret for', async () => {
      const answer = await fetch(`${directory.url}/v1/ops/lag`, { headers: { authorization: `Bearer ${await sign(first, 'k-1')}` } });
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(await answer.json()).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/^The keys that sign the tokens cannot be fetched: /) });

      const hs256 = await new SignJWT({ role: 'ops' }).setProtectedHeader({ alg: 'HS256' }).setSubject('ops').setExpirationTime('5m').sign(new TextEncoder().encode('x'.repeat(32)));
      const refused = await fetch(`${directory.url}/v1/ops/lag`, { headers: { authorization: `Bearer ${hs256}` } });
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { message: string }).message).toBe('The token is signed with an algorithm not accepted here (only RS256, ES256).');
    });
  });
});
