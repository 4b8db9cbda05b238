import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { mintToken } from '@mp/operations';
import { AuthenticationFailure, bearerTokenOf, principalOf, REMEMBERED_FOR_MS, tokenVerifier } from './token-verifier';

const secret = 'unit-test-secret-of-at-least-32-characters';
const failure = (kind: AuthenticationFailure['kind'], message: RegExp | string) => expect.objectContaining({ name: 'AuthenticationFailure', kind, message: typeof message === 'string' ? message : expect.stringMatching(message) });

describe('tokenVerifier, HS256 with AUTH_JWT_SECRET', () => {
  const verify = tokenVerifier({ secret });

  it('given a token the ops CLI minted, the principal is its claims', async () => {
    const { token } = await mintToken({ role: 'customer-admin', customer: 'contoso', subject: 'admin-1' }, { secret });
    await expect(verify(token)).resolves.toEqual({ sub: 'admin-1', role: 'customer-admin', customerId: 'contoso' });
    const reseller = await mintToken({ role: 'reseller', partner: 'fabrikam' }, { secret });
    await expect(verify(reseller.token)).resolves.toEqual({ sub: 'fabrikam-user', role: 'reseller', partnerId: 'fabrikam' });
    const ops = await mintToken({ role: 'ops' }, { secret });
    await expect(verify(ops.token)).resolves.toEqual({ sub: 'ops', role: 'ops' });
  });

  it('refuses an expired token, saying when it expired', async () => {
    const { token } = await mintToken({ role: 'ops', expiresIn: '1m' }, { secret }, new Date('2020-01-01T00:00:00Z'));
    await expect(verify(token)).rejects.toEqual(failure('invalid_token', 'The token expired at 2020-01-01T00:01:00.000Z.'));
  });

  it('refuses a token signed with another secret, or not signed at all', async () => {
    const { token } = await mintToken({ role: 'ops' }, { secret: 'another-secret-of-at-least-32-characters' });
    await expect(verify(token)).rejects.toEqual(failure('invalid_token', "The token's signature does not verify."));
    const unsigned = new UnsecuredJWT({ role: 'ops' }).setSubject('ops').setExpirationTime('1h').encode();
    await expect(verify(unsigned)).rejects.toEqual(failure('invalid_token', 'The token is signed with an algorithm not accepted here (only HS256).'));
  });

  it.each(['', 'x', 'a.b.c', 'bm90IGpzb24.e30.c2ln'])('refuses a malformed token %p', async (token) => {
    await expect(verify(token)).rejects.toEqual(failure('invalid_token', /^The token is malformed: /));
  });

  it('refuses a token without exp', async () => {
    const token = await new SignJWT({ role: 'ops' }).setProtectedHeader({ alg: 'HS256' }).setSubject('ops').sign(new TextEncoder().encode(secret));
    await expect(verify(token)).rejects.toEqual(failure('invalid_token', /"exp" claim/));
  });
});

describe('tokenVerifier with AUTH_ISSUER and AUTH_AUDIENCE', () => {
  const verify = tokenVerifier({ secret, issuer: 'https://idp.multipartner.test', audience: 'multipartner' });

  it('accepts a token with both, refuses one with the wrong issuer, audience or none', async () => {
    const key = (issuer?: string, audience?: string) => ({ secret, issuer, audience });
    await expect(verify((await mintToken({ role: 'ops' }, key('https://idp.multipartner.test', 'multipartner'))).token)).resolves.toEqual({ sub: 'ops', role: 'ops' });
    await expect(verify((await mintToken({ role: 'ops' }, key('https://elsewhere', 'multipartner'))).token)).rejects.toEqual(failure('invalid_token', 'The token\'s issuer is not "https://idp.multipartner.test".'));
    await expect(verify((await mintToken({ role: 'ops' }, key('https://idp.multipartner.test', 'other'))).token)).rejects.toEqual(failure('invalid_token', 'The token\'s audience is not "multipartner".'));
    await expect(verify((await mintToken({ role: 'ops' }, key())).token)).rejects.toEqual(failure('invalid_token', /issuer/));
  });
});

describe('tokenVerifier with a key set (AUTH_JWKS_URL)', () => {
  it('accepts RS256 and ES256 tokens signed by a key of the set, refuses other keys and HS256 when no secret is set', async () => {
    const rsa = await generateKeyPair('RS256');
    const ec = await generateKeyPair('ES256');
    const stranger = await generateKeyPair('ES256');
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256' }, { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256' }] });
    const verify = tokenVerifier({ jwks });
    const sign = (alg: string, kid: string, key: Parameters<SignJWT['sign']>[0]) => new SignJWT({ role: 'reseller', partnerId: 'fabrikam' }).setProtectedHeader({ alg, kid }).setSubject('u-1').setExpirationTime('5m').sign(key);
    await expect(verify(await sign('RS256', 'rsa-1', rsa.privateKey))).resolves.toEqual({ sub: 'u-1', role: 'reseller', partnerId: 'fabrikam' });
    await expect(verify(await sign('ES256', 'ec-1', ec.privateKey))).resolves.toEqual({ sub: 'u-1', role: 'reseller', partnerId: 'fabrikam' });
    await expect(verify(await sign('ES256', 'ec-1', stranger.privateKey))).rejects.toEqual(failure('invalid_token', "The token's signature does not verify."));
    await expect(verify(await sign('ES256', 'ec-9', stranger.privateKey))).rejects.toEqual(failure('invalid_token', 'No key of the key set verifies the token.'));
    await expect(verify(await sign('HS256', 'x', new TextEncoder().encode(secret)))).rejects.toEqual(failure('invalid_token', 'The token is signed with an algorithm not accepted here (only RS256, ES256).'));
  });

  it('needs a secret or a key set', () => {
    expect(() => tokenVerifier({})).toThrow('a token verifier needs AUTH_JWT_SECRET or AUTH_JWKS_URL');
  });
});

describe('tokenVerifier: verified tokens remembered', () => {
  /** A key set that counts how often a signature is checked against it, and a clock the test moves. */
  async function counted() {
    const pair = await generateKeyPair('ES256');
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'ec-1', alg: 'ES256' }] });
    // Not 0: lru-cache takes a start time of 0 for none.
    const checks = { count: 0, at: 1_000 };
    const verify = tokenVerifier({ jwks: (header, token) => (checks.count++, jwks(header, token)), now: () => checks.at });
    const sign = (expiresIn: string, key = pair.privateKey) => new SignJWT({ role: 'ops' }).setProtectedHeader({ alg: 'ES256', kid: 'ec-1' }).setSubject('ops').setExpirationTime(expiresIn).sign(key);
    return { verify, sign, checks };
  }

  it('checks a token once, then takes it at its word for REMEMBERED_FOR_MS, then checks it again', async () => {
    const { verify, sign, checks } = await counted();
    const token = await sign('1h');
    for (let i = 0; i < 3; i++) await expect(verify(token)).resolves.toEqual({ sub: 'ops', role: 'ops' });
    expect(checks.count).toBe(1);
    checks.at += REMEMBERED_FOR_MS - 1;
    await verify(token);
    expect(checks.count).toBe(1);
    checks.at += 2;
    await verify(token);
    expect(checks.count).toBe(2);
  });

  it('remembers a token never past its exp', async () => {
    const { verify, sign, checks } = await counted();
    const token = await sign('10s');
    await verify(token);
    checks.at += 10_000;
    await verify(token);
    expect(checks.count).toBe(2);
  });

  it('checks a token that did not verify every time it comes', async () => {
    const { verify, sign, checks } = await counted();
    const forged = await sign('1h', (await generateKeyPair('ES256')).privateKey);
    for (let i = 0; i < 3; i++) await expect(verify(forged)).rejects.toEqual(failure('invalid_token', "The token's signature does not verify."));
    expect(checks.count).toBe(3);
  });
});

describe('principalOf: the claims of DESIGN §10', () => {
  it.each([
    [{ role: 'ops' }, 'The token names no user ("sub").'],
    [{ sub: ' ', role: 'ops' }, 'The token names no user ("sub").'],
    [{ sub: 'u', role: 'admin' }, 'The token\'s "role" must be one of ops, customer-admin, reseller.'],
    [{ sub: 'u' }, 'The token\'s "role" must be one of ops, customer-admin, reseller.'],
    [{ sub: 'u', role: 'customer-admin' }, 'A customer-admin token names its customer ("customerId").'],
    [{ sub: 'u', role: 'customer-admin', partnerId: 'p' }, 'A customer-admin token names its customer ("customerId").'],
    [{ sub: 'u', role: 'reseller', customerId: 'c' }, 'A reseller token names its partner ("partnerId").'],
    [{ sub: 'u', role: 'reseller', partnerId: 7 }, 'A reseller token names its partner ("partnerId").'],
  ])('refuses %p', (claims, message) => {
    expect(() => principalOf(claims)).toThrow(message);
  });

  it('keeps only what the role needs', () => {
    expect(principalOf({ sub: 'u', role: 'ops', customerId: 'c', partnerId: 'p' })).toEqual({ sub: 'u', role: 'ops' });
    expect(principalOf({ sub: 'u', role: 'reseller', customerId: 'c', partnerId: 'p' })).toEqual({ sub: 'u', role: 'reseller', partnerId: 'p' });
  });
});

describe('bearerTokenOf: the Authorization header', () => {
  it('takes the token of "Bearer <token>", the scheme in any case', () => {
    expect(bearerTokenOf('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerTokenOf('bearer abc.def.ghi')).toBe('abc.def.ghi');
  });

  it('says when there is none, and when it is not a bearer token', () => {
    expect(() => bearerTokenOf(undefined)).toThrow(failure('missing', 'A bearer token is required: Authorization: Bearer <token>.'));
    expect(() => bearerTokenOf('')).toThrow(failure('missing', /required/));
    for (const header of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'abc.def.ghi', ['Bearer a', 'Bearer b']]) {
      expect(() => bearerTokenOf(header)).toThrow(failure('invalid_token', 'The Authorization header is not "Bearer <token>".'));
    }
  });
});
