/**
 * Who sees what on the directory (DESIGN §10), against the real service on the real Kafka and
 * Redis, its data made by upstream events: every route against every caller, the status and,
 * where the answer is filtered, what is in it. Then the tokens themselves: none, malformed,
 * expired, signed with another secret, of another issuer or audience, signed by a key of the
 * JWKS (served on 127.0.0.1); and the routes that need no token.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Type } from '@nestjs/common';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { mintToken } from '@mp/operations';
import { eventually } from './support/eventually';
import { isolateTestRun } from './support/isolation';
import { RunningService, startService } from './support/service-harness';
import { tokenFor } from './support/tokens';
import { TopicProbe } from './support/topic-probe';

jest.setTimeout(180_000);

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

const T0 = '2026-03-01T09:00:00.000Z';
const NO_PRIVILEGES = { status: 'none', roles: [], services: [], autoExtend: false };

describe('directory authorisation (DESIGN §10), real service', () => {
  const world = isolateTestRun('directory-auth');
  const id = (name: string) => `${world.run}-${name}`;
  // Customer A is served by a direct reseller and by an indirect reseller through its provider;
  // customer B by another reseller only.
  const A = id('cust-a');
  const B = id('cust-b');
  const direct = id('res-direct');
  const indirect = id('res-indirect');
  const provider = id('prov');
  const other = id('res-other');
  const rDirect = id('req-direct');
  const rIndirect = id('req-indirect');
  const rOther = id('req-other');
  const issuer = 'https://idp.multipartner.test';
  const audience = 'multipartner-directory';

  let directory: RunningService;
  let probe: TopicProbe;
  let jwksServer: Server;
  let keys: { es256: KeyPair; rs256: KeyPair; stranger: KeyPair };

  /** The callers of the table: a token each, minted as `npm run ops -- token` does. */
  const callers = {
    ops: () => tokenFor({ role: 'ops' }),
    'admin of A': () => tokenFor({ role: 'customer-admin', customer: A, subject: 'admin-a' }),
    'admin of B': () => tokenFor({ role: 'customer-admin', customer: B, subject: 'admin-b' }),
    'reseller serving A': () => tokenFor({ role: 'reseller', partner: direct }),
    'indirect reseller of A': () => tokenFor({ role: 'reseller', partner: indirect }),
    'its indirect provider': () => tokenFor({ role: 'reseller', partner: provider }),
    'another reseller': () => tokenFor({ role: 'reseller', partner: other }),
  };
  type Caller = keyof typeof callers;

  async function get(path: string, token?: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${directory.url}${path}`, { headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers } });
    const text = await response.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // HTML or YAML: kept as text
    }
    return { status: response.status, body, challenge: response.headers.get('www-authenticate') };
  }

  beforeAll(async () => {
    // A JWKS on loopback, as an identity provider would publish it: an ES256 and an RS256 key.
    keys = { es256: await generateKeyPair('ES256'), rs256: await generateKeyPair('RS256'), stranger: await generateKeyPair('ES256') };
    const jwks = { keys: [{ ...(await exportJWK(keys.es256.publicKey)), kid: 'es-1', alg: 'ES256', use: 'sig' }, { ...(await exportJWK(keys.rs256.publicKey)), kid: 'rs-1', alg: 'RS256', use: 'sig' }] };
    jwksServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks)));
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    process.env.AUTH_JWKS_URL = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
    process.env.AUTH_ISSUER = issuer;
    process.env.AUTH_AUDIENCE = audience;

    const { DirectoryServiceModule } = (await import('../apps/directory-service/src/directory-service.module')) as { DirectoryServiceModule: Type };
    const { directoryServiceOptions } = await import('../apps/directory-service/src/directory-service.options');
    directory = await startService(DirectoryServiceModule, directoryServiceOptions);
    probe = new TopicProbe();
    await probe.start();

    for (const [partnerId, kind] of [[direct, 'direct-reseller'], [indirect, 'indirect-reseller'], [provider, 'indirect-provider'], [other, 'direct-reseller']]) {
      await probe.publish('PartnerRegistered', { partnerId, name: `Partner ${partnerId}`, kind, specializations: ['Azure'], countries: ['DE'] });
    }
    await probe.publish('PartnersLinked', { indirectProviderId: provider, indirectResellerId: indirect });
    await probe.publish('CustomerRegistered', { customerId: A, name: 'Customer A', country: 'DE', admins: ['admin-a'] });
    await probe.publish('CustomerRegistered', { customerId: B, name: 'Customer B', country: 'DE', admins: ['admin-b'] });
    await probe.publish('SubscriptionCreated', { subscriptionId: id('sub-a'), customerId: A, partnerOfRecordId: direct, service: 'Azure', quantity: 5 });
    const requested = (requestId: string, customerId: string, resellerId: string, extra: Record<string, unknown> = {}) =>
      probe.publish('RelationshipRequested', { requestId, customerId, resellerId, services: ['Azure'], channel: 'direct', requestedBy: { userId: 'seller' }, status: 'pending', requestedAt: T0, expiresAt: '2026-05-30T09:00:00.000Z', ...extra });
    const established = (requestId: string, customerId: string, resellerId: string, extra: Record<string, unknown> = {}) =>
      probe.publish('RelationshipEstablished', {
        customerId,
        resellerId,
        requestId,
        approvedBy: { userId: 'admin' },
        relationship: { customerId, resellerId, status: 'active', channel: 'direct', services: ['Azure'], since: T0, delegatedAdmin: NO_PRIVILEGES, ...extra },
      });
    await requested(rDirect, A, direct);
    await requested(rIndirect, A, indirect, { channel: 'indirect', indirectProviderId: provider });
    await requested(rOther, B, other);
    await established(rDirect, A, direct);
    await established(rIndirect, A, indirect, { channel: 'indirect', indirectProviderId: provider });
    await established(rOther, B, other);
    const ops = await callers.ops();
    await eventually('the read models', async () => {
      const [a, b] = await Promise.all([get(`/v1/customers/${A}/resellers`, ops), get(`/v1/customers/${B}/resellers`, ops)]);
      const [reseller, request] = await Promise.all([get(`/v1/resellers/${indirect}/customers`, ops), get(`/v1/requests/${rIndirect}`, ops)]);
      return a.body.resellers?.length === 2 && b.body.resellers?.length === 1 && reseller.body.customers?.length === 1 && request.body.indirectProviderId === provider;
    });
  });

  afterAll(async () => {
    await probe?.stop();
    await directory?.close();
    await new Promise((resolve) => jwksServer?.close(resolve));
    delete process.env.AUTH_JWKS_URL;
    delete process.env.AUTH_ISSUER;
    delete process.env.AUTH_AUDIENCE;
    await world.cleanup();
  });

  // ------------------------------------------------------------------------------- the table
  // A cell: the status, and for a filtered 200 what the answer lists. 403: the role never uses the
  // route. 404: the resource is not the caller's, told exactly as an unknown one would be.
  type Cell = number | [200, string[]];
  const routes: Array<{ route: string; path: () => string; listed?: (body: any) => string[]; cells: Record<Caller, Cell> }> = [
    {
      route: 'GET /v1/customers/A/resellers',
      path: () => `/v1/customers/${A}/resellers`,
      listed: (body) => body.resellers.map((r: { resellerId: string }) => r.resellerId),
      cells: {
        ops: [200, [direct, indirect]],
        'admin of A': [200, [direct, indirect]],
        'admin of B': 404,
        'reseller serving A': [200, [direct]],
        'indirect reseller of A': [200, [indirect]],
        'its indirect provider': [200, [indirect]],
        'another reseller': 404,
      },
    },
    {
      route: 'GET /v1/customers/A/subscriptions',
      path: () => `/v1/customers/${A}/subscriptions`,
      listed: (body) => body.subscriptions.map((s: { subscriptionId: string }) => s.subscriptionId),
      cells: {
        ops: [200, [id('sub-a')]],
        'admin of A': [200, [id('sub-a')]],
        'admin of B': 404,
        'reseller serving A': 403,
        'indirect reseller of A': 403,
        'its indirect provider': 403,
        'another reseller': 403,
      },
    },
    {
      route: 'GET /v1/customers/A/requests',
      path: () => `/v1/customers/${A}/requests`,
      listed: (body) => body.requests.map((r: { requestId: string }) => r.requestId).sort(),
      cells: {
        ops: [200, [rDirect, rIndirect].sort()],
        'admin of A': [200, [rDirect, rIndirect].sort()],
        'admin of B': 404,
        'reseller serving A': [200, [rDirect]],
        'indirect reseller of A': [200, [rIndirect]],
        'its indirect provider': [200, [rIndirect]],
        'another reseller': 404,
      },
    },
    {
      route: 'GET /v1/requests/{direct reseller\'s request}',
      path: () => `/v1/requests/${rDirect}`,
      cells: { ops: 200, 'admin of A': 200, 'admin of B': 404, 'reseller serving A': 200, 'indirect reseller of A': 404, 'its indirect provider': 404, 'another reseller': 404 },
    },
    {
      route: 'GET /v1/requests/{indirect reseller\'s request}',
      path: () => `/v1/requests/${rIndirect}`,
      cells: { ops: 200, 'admin of A': 200, 'admin of B': 404, 'reseller serving A': 404, 'indirect reseller of A': 200, 'its indirect provider': 200, 'another reseller': 404 },
    },
    {
      route: 'GET /v1/resellers/{direct}/customers',
      path: () => `/v1/resellers/${direct}/customers`,
      listed: (body) => body.customers.map((c: { customerId: string }) => c.customerId),
      cells: { ops: [200, [A]], 'admin of A': 403, 'admin of B': 403, 'reseller serving A': [200, [A]], 'indirect reseller of A': 404, 'its indirect provider': 404, 'another reseller': 404 },
    },
    {
      route: 'GET /v1/resellers/{indirect}/customers',
      path: () => `/v1/resellers/${indirect}/customers`,
      listed: (body) => body.customers.map((c: { customerId: string }) => c.customerId),
      cells: { ops: [200, [A]], 'admin of A': 403, 'admin of B': 403, 'reseller serving A': 404, 'indirect reseller of A': [200, [A]], 'its indirect provider': [200, [A]], 'another reseller': 404 },
    },
    {
      route: 'GET /v1/resellers/{other}/customers',
      path: () => `/v1/resellers/${other}/customers`,
      listed: (body) => body.customers.map((c: { customerId: string }) => c.customerId),
      cells: { ops: [200, [B]], 'admin of A': 403, 'admin of B': 403, 'reseller serving A': 404, 'indirect reseller of A': 404, 'its indirect provider': 404, 'another reseller': [200, [B]] },
    },
    {
      route: 'GET /v1/ops/lag',
      path: () => '/v1/ops/lag',
      cells: { ops: 200, 'admin of A': 403, 'admin of B': 403, 'reseller serving A': 403, 'indirect reseller of A': 403, 'its indirect provider': 403, 'another reseller': 403 },
    },
    {
      route: 'GET /v1/ops/dead-letters',
      path: () => '/v1/ops/dead-letters',
      cells: { ops: 200, 'admin of A': 403, 'admin of B': 403, 'reseller serving A': 403, 'indirect reseller of A': 403, 'its indirect provider': 403, 'another reseller': 403 },
    },
  ];

  const cases = routes.flatMap(({ route, path, listed, cells }) => (Object.entries(cells) as Array<[Caller, Cell]>).map(([caller, cell]) => [route, caller, cell, path, listed] as const));

  it.each(cases)('%s as %s: %j', async (_route, caller, cell, path, listed) => {
    const answer = await get(path(), await callers[caller]());
    const [status, expected] = typeof cell === 'number' ? [cell, undefined] : cell;
    expect({ status: answer.status, body: answer.body }).toEqual({ status, body: expect.anything() });
    if (expected) expect(listed!(answer.body)).toEqual(expected);
    if (status === 403) {
      const role = { ops: 'ops', 'admin of A': 'customer-admin', 'admin of B': 'customer-admin' }[caller as string] ?? 'reseller';
      expect(answer.body).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.stringMatching(new RegExp(`^A ${role} token does not give access to this route \\(it is for `)) });
      expect(answer.challenge).toMatch(/^Bearer realm="multipartner", error="insufficient_scope", error_description="A .+"$/);
    }
    if (status === 404) {
      // Word for word the answer for an id nobody has: whether it exists is not revealed.
      const [kind, theId] = path().startsWith('/v1/customers/') ? ['Customer', A] : path().startsWith('/v1/requests/') ? ['Request', path().split('/')[3]] : ['Reseller', path().split('/')[3]];
      expect(answer.body).toEqual({ statusCode: 404, error: 'Not Found', message: `${kind} "${theId}" is not known to the directory.` });
    }
  });

  it('the table covers every route of the directory (the OpenAPI document lists the same)', async () => {
    const docs = await get('/docs-json');
    const documented = Object.keys(docs.body.paths).sort();
    expect(documented).toEqual(['/v1/customers/{customerId}/requests', '/v1/customers/{customerId}/resellers', '/v1/customers/{customerId}/subscriptions', '/v1/ops/dead-letters', '/v1/ops/lag', '/v1/requests/{requestId}', '/v1/resellers/{resellerId}/customers']);
    expect(docs.body.components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } });
    for (const path of documented) expect(docs.body.paths[path].get.security).toEqual([{ bearer: [] }]);
  });

  it('answers an unknown customer, reseller and request alike for every caller that may use the route', async () => {
    for (const caller of Object.keys(callers) as Caller[]) {
      const token = await callers[caller]();
      const customer = await get(`/v1/customers/${id('nobody')}/resellers`, token);
      expect(customer).toMatchObject({ status: 404, body: { message: `Customer "${id('nobody')}" is not known to the directory.` } });
      expect((await get(`/v1/requests/${id('nothing')}`, token)).body).toEqual({ statusCode: 404, error: 'Not Found', message: `Request "${id('nothing')}" is not known to the directory.` });
    }
  });

  // ------------------------------------------------------------------------------ the tokens
  const every = routes.map(({ route, path }) => [route, path] as const);

  it.each(every)('%s without a token: 401, WWW-Authenticate: Bearer with no error code (RFC 6750)', async (_route, path) => {
    const answer = await get(path());
    expect(answer).toEqual({ status: 401, body: { statusCode: 401, error: 'Unauthorized', message: 'A bearer token is required: Authorization: Bearer <token>.' }, challenge: 'Bearer realm="multipartner"' });
  });

  const refused = async (token: string, message: string | RegExp, path = `/v1/customers/${A}/resellers`) => {
    const answer = await get(path, token);
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: typeof message === 'string' ? message : expect.stringMatching(message) });
    expect(answer.challenge).toBe(`Bearer realm="multipartner", error="invalid_token", error_description="${answer.body.message.replace(/"/g, "'")}"`);
  };

  it.each(every)('%s with an expired token: 401 saying when it expired, in the body and the header', async (_route, path) => {
    const expired = await tokenFor({ role: 'ops', expiresIn: '1m' }, new Date('2026-01-01T00:00:00Z'));
    await refused(expired, 'The token expired at 2026-01-01T00:01:00.000Z.', path());
  });

  it('a malformed Authorization header or token: 401 invalid_token', async () => {
    for (const header of ['Basic b3BzOm9wcw==', 'Bearer', 'Bearer not a token', 'eyJhbGciOiJIUzI1NiJ9.e30.x']) {
      const answer = await get(`/v1/customers/${A}/resellers`, undefined, { authorization: header });
      expect(answer).toMatchObject({ status: 401, body: { message: 'The Authorization header is not "Bearer <token>".' } });
      expect(answer.challenge).toMatch(/^Bearer realm="multipartner", error="invalid_token"/);
    }
    await refused('not-a-jwt', /^The token is malformed: /);
    await refused('e30.e30.e30', /^The token is malformed: /);
  });

  it('a token signed with another secret, of another issuer, of another audience, or without the claims of DESIGN §10: 401', async () => {
    const mint = async (key: { secret?: string; issuer?: string; audience?: string }) => (await mintToken({ role: 'ops' }, { secret: process.env.AUTH_JWT_SECRET, issuer, audience, ...key })).token;
    await refused(await mint({ secret: 'another-secret-that-is-32-characters-long' }), "The token's signature does not verify.");
    await refused(await mint({ issuer: 'https://elsewhere.test' }), `The token's issuer is not "${issuer}".`);
    await refused(await mint({ audience: 'another-service' }), `The token's audience is not "${audience}".`);
    const secret = new TextEncoder().encode(process.env.AUTH_JWT_SECRET);
    const signed = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer(issuer).setAudience(audience).setSubject('u-1').setExpirationTime('5m').sign(secret);
    await refused(await signed({ role: 'root' }), 'The token\'s "role" must be one of ops, customer-admin, reseller.');
    await refused(await signed({ role: 'customer-admin' }), 'A customer-admin token names its customer ("customerId").');
    await refused(await signed({ role: 'reseller', customerId: A }), 'A reseller token names its partner ("partnerId").');
  });

  it('a token signed by a key of AUTH_JWKS_URL (ES256 or RS256) is accepted and scoped like any other; a key not in the set is refused', async () => {
    const sign = (claims: Record<string, unknown>, alg: string, kid: string, key: KeyPair['privateKey']) =>
      new SignJWT(claims).setProtectedHeader({ alg, kid }).setIssuer(issuer).setAudience(audience).setSubject('idp-user').setIssuedAt().setExpirationTime('5m').sign(key);
    const opsByIdp = await sign({ role: 'ops' }, 'ES256', 'es-1', keys.es256.privateKey);
    expect((await get('/v1/ops/lag', opsByIdp)).status).toBe(200);
    const adminByIdp = await sign({ role: 'customer-admin', customerId: A }, 'RS256', 'rs-1', keys.rs256.privateKey);
    const resellers = await get(`/v1/customers/${A}/resellers`, adminByIdp);
    expect(resellers.status).toBe(200);
    expect(resellers.body.resellers.map((r: { resellerId: string }) => r.resellerId)).toEqual([direct, indirect]);
    expect((await get(`/v1/customers/${B}/resellers`, adminByIdp)).status).toBe(404);
    await refused(await sign({ role: 'ops' }, 'ES256', 'es-1', keys.stranger.privateKey), "The token's signature does not verify.");
    await refused(await sign({ role: 'ops' }, 'ES256', 'unknown-kid', keys.stranger.privateKey), 'No key of the key set verifies the token.');
  });

  it('checks the token before the parameters: a bad parameter is 401 without a token, 400 with one', async () => {
    expect((await get(`/v1/resellers/${direct}/customers?limit=0`)).status).toBe(401);
    expect((await get(`/v1/resellers/${direct}/customers?limit=0`, await callers.ops())).status).toBe(400);
  });

  // ------------------------------------------------------------------------ no token needed
  it.each([
    ['/health/live', 200],
    ['/health/ready', 200],
    ['/metrics', 200],
    ['/docs', 200],
    ['/docs-json', 200],
    ['/asyncapi', 200],
    ['/asyncapi.yaml', 200],
    ['/console', 200],
    ['/console/console.js', 200],
  ])('%s needs no token', async (path, status) => {
    const answer = await get(path);
    expect(answer.status).toBe(status);
    expect(answer.challenge).toBeNull();
  });
});
