import { createRemoteJWKSet, errors, JWTPayload, JWTVerifyGetKey, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import { Principal, ROLES, Role } from './principal';

/** Where the keys of the bearer tokens come from, and what else a token must say (`AUTH_*`). */
export interface TokenSettings {
  /** `AUTH_JWT_SECRET`: HS256. */
  secret?: string;
  /** `AUTH_JWKS_URL`: RS256 / ES256 keys fetched from there (cached, fetched again for an unknown `kid`). */
  jwksUrl?: string;
  /** Instead of `jwksUrl`: a key set already at hand (`createLocalJWKSet`), for unit tests. */
  jwks?: JWTVerifyGetKey;
  issuer?: string;
  audience?: string;
  /** The clock of the remembered tokens' lifetimes, in milliseconds (`performance.now()`): for unit tests. */
  now?: () => number;
}

/**
 * How long a verified token is taken at its word without checking its signature again: at most
 * this (a key taken out of the key set stops its tokens within it), never past the token's `exp`.
 */
export const REMEMBERED_FOR_MS = 60_000;
/** How many verified tokens are remembered (the least recently used go first). */
const REMEMBERED_TOKENS = 10_000;

/**
 * Why a request is not authenticated, in the terms of RFC 6750: `missing` (no credentials: a bare
 * `WWW-Authenticate: Bearer` challenge), `invalid_token` (malformed, badly signed, expired, wrong
 * issuer or audience, claims of DESIGN §10 missing), or `unavailable` (the key set could not be
 * fetched: not the caller's fault, a 503).
 */
export class AuthenticationFailure extends Error {
  constructor(
    readonly kind: 'missing' | 'invalid_token' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'AuthenticationFailure';
  }
}

export type TokenVerifier = (token: string) => Promise<Principal>;

const SIGNED_BY_KEY_SET = ['RS256', 'ES256'];

/**
 * A verifier for `settings`: `jose`'s `jwtVerify`, then the claims of DESIGN §10 into a `Principal`.
 * A client sends its token with every request, and the signature check is the dearest step of a
 * query: a token that verified is remembered (`REMEMBERED_FOR_MS`, never past its `exp`); one that
 * did not is checked again each time.
 */
export function tokenVerifier(settings: TokenSettings): TokenVerifier {
  const secret = settings.secret ? new TextEncoder().encode(settings.secret) : undefined;
  const keySet = settings.jwks ?? (settings.jwksUrl ? createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5_000 }) : undefined);
  const algorithms = [...(secret ? ['HS256'] : []), ...(keySet ? SIGNED_BY_KEY_SET : [])];
  if (!algorithms.length) throw new Error('a token verifier needs AUTH_JWT_SECRET or AUTH_JWKS_URL');
  const key: JWTVerifyGetKey = (header, token) => {
    if (header.alg === 'HS256' && secret) return secret;
    if (keySet && header.alg && SIGNED_BY_KEY_SET.includes(header.alg)) return keySet(header, token);
    throw new errors.JOSEAlgNotAllowed(`"alg" (Algorithm) Header Parameter value not allowed`);
  };
  const now = settings.now ?? (() => performance.now());
  const verified = new LRUCache<string, Principal>({ max: REMEMBERED_TOKENS, ttl: REMEMBERED_FOR_MS, ttlResolution: 0, perf: { now } });
  return async (token) => {
    const known = verified.get(token);
    if (known) return known;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms,
        ...(settings.issuer ? { issuer: settings.issuer } : {}),
        ...(settings.audience ? { audience: settings.audience } : {}),
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      throw failureOf(error, settings, algorithms);
    }
    const principal = Object.freeze(principalOf(payload));
    const validForMs = payload.exp! * 1000 - Date.now();
    if (validForMs > 0) verified.set(token, principal, { ttl: Math.min(REMEMBERED_FOR_MS, validForMs) });
    return principal;
  };
}

/** The reason a verification failed, in words a caller can act on. */
function failureOf(error: unknown, settings: TokenSettings, algorithms: string[]): AuthenticationFailure {
  const invalid = (message: string) => new AuthenticationFailure('invalid_token', message);
  if (error instanceof errors.JWTExpired) {
    const exp = typeof error.payload.exp === 'number' ? ` at ${new Date(error.payload.exp * 1000).toISOString()}` : '';
    return invalid(`The token expired${exp}.`);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return invalid(`The token's issuer is not "${settings.issuer}".`);
    if (error.claim === 'aud') return invalid(`The token's audience is not "${settings.audience}".`);
    if (error.claim === 'nbf') return invalid('The token is not valid yet.');
    return invalid(`The token's "${error.claim}" claim is missing or wrong: ${error.reason}.`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return invalid('The token\'s signature does not verify.');
  if (error instanceof errors.JOSEAlgNotAllowed) return invalid(`The token is signed with an algorithm not accepted here (only ${algorithms.join(', ')}).`);
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return invalid('No key of the key set verifies the token.');
  // The key set could not be had (no answer, not 200, not JSON, not a key set): not the caller's fault.
  const keySetLost = error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || (error instanceof errors.JOSEError && /JSON Web Key Set/.test(error.message));
  // fetch() fails with a TypeError (no answer, refused); by name, as it may come from another realm.
  const fetchFailed = !(error instanceof errors.JOSEError) && (error as Error | undefined)?.name === 'TypeError';
  if (keySetLost || fetchFailed) {
    return new AuthenticationFailure('unavailable', `The keys that sign the tokens cannot be fetched: ${(error as Error).message}.`);
  }
  if (error instanceof errors.JOSEError) return invalid(`The token is malformed: ${error.message}.`);
  throw error;
}

/** The claims of DESIGN §10: `sub`, `role`, and `customerId` or `partnerId` as the role needs. */
export function principalOf(claims: JWTPayload): Principal {
  const refuse = (message: string) => new AuthenticationFailure('invalid_token', message);
  const sub = claims.sub;
  if (typeof sub !== 'string' || !sub.trim()) throw refuse('The token names no user ("sub").');
  const role = claims.role as Role;
  if (typeof role !== 'string' || !ROLES.includes(role)) throw refuse(`The token's "role" must be one of ${ROLES.join(', ')}.`);
  const id = (name: 'customerId' | 'partnerId') => {
    const value = claims[name];
    if (typeof value !== 'string' || !value.trim()) throw refuse(`A ${role} token names its ${name === 'customerId' ? 'customer ("customerId")' : 'partner ("partnerId")'}.`);
    return value;
  };
  if (role === 'customer-admin') return { sub, role, customerId: id('customerId') };
  if (role === 'reseller') return { sub, role, partnerId: id('partnerId') };
  return { sub, role };
}

/** The token of an `Authorization` header: `Bearer <token>`, the scheme in any case (RFC 6750). */
export function bearerTokenOf(header: string | string[] | undefined): string {
  if (header === undefined || header === '') throw new AuthenticationFailure('missing', 'A bearer token is required: Authorization: Bearer <token>.');
  const match = typeof header === 'string' ? /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header) : null;
  if (!match) throw new AuthenticationFailure('invalid_token', 'The Authorization header is not "Bearer <token>".');
  return match[1];
}
