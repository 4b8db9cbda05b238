import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { Role, ROLES } from '@mp/auth';
import { OperationError } from '../operations-kafka';

export { ROLES, type Role };

export interface TokenRequest {
  role: string;
  /** The customer a `customer-admin` acts for. */
  customer?: string;
  /** The partner (reseller or indirect provider) a `reseller` acts for. */
  partner?: string;
  /** The user (`sub`). */
  subject?: string;
  /** How long it is valid: a number and a unit, `30m`, `12h`, `7d`. */
  expiresIn?: string;
}

export interface TokenClaims {
  sub: string;
  role: Role;
  customerId?: string;
  partnerId?: string;
}

const DURATION = /^(\d{1,6})\s*(s|m|h|d)$/;

/**
 * The claims of DESIGN §10 for a request, or a refusal that says what is missing: a
 * `customer-admin` names its customer, a `reseller` its partner, `ops` neither.
 */
export function tokenClaims(request: TokenRequest): TokenClaims {
  const role = request.role as Role;
  if (!ROLES.includes(role)) throw new OperationError(`unknown role "${request.role}": it is one of ${ROLES.join(', ')}`);
  if (role === 'customer-admin' && !request.customer) throw new OperationError('a customer-admin token names its customer: --customer <customerId>');
  if (role === 'reseller' && !request.partner) throw new OperationError('a reseller token names its partner: --partner <partnerId>');
  if (role !== 'customer-admin' && request.customer) throw new OperationError(`--customer is for a customer-admin token, not ${role}`);
  if (role !== 'reseller' && request.partner) throw new OperationError(`--partner is for a reseller token, not ${role}`);
  if (request.expiresIn !== undefined && !DURATION.test(request.expiresIn)) throw new OperationError(`--expires-in "${request.expiresIn}" is not a duration: a number and s, m, h or d, e.g. 12h`);
  const sub = request.subject ?? (role === 'ops' ? 'ops' : role === 'reseller' ? `${request.partner}-user` : `${request.customer}-admin`);
  return { sub, role, ...(request.customer ? { customerId: request.customer } : {}), ...(request.partner ? { partnerId: request.partner } : {}) };
}

/**
 * Where `npm start` leaves the secret it made for its run when `AUTH_JWT_SECRET` is unset
 * (scripts/start.mjs writes it, owner-only, and removes it when it stops), so that `npm run ops --
 * token` and `npm run demo` in another terminal sign with it. Relative to the project's root, where
 * npm runs scripts. Git-ignored.
 */
export const RUN_SECRET_FILE = join('.cache', 'start', 'auth-jwt-secret');

/** `AUTH_JWT_SECRET`, or else the secret of the `npm start` running here, if any. */
export function localSigningSecret(fromEnvironment: string | undefined, root = process.cwd()): string | undefined {
  if (fromEnvironment) return fromEnvironment;
  try {
    return readFileSync(join(root, RUN_SECRET_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export interface SigningKey {
  /** `AUTH_JWT_SECRET`. */
  secret: string | undefined;
  issuer?: string;
  audience?: string;
}

/** An HS256 JWT for the local auth secret, with the claims of `tokenClaims`, `iat` and `exp`, and `iss` / `aud` when configured. */
export async function mintToken(request: TokenRequest, key: SigningKey, now = new Date()): Promise<{ token: string; claims: TokenClaims; expiresAt: string }> {
  const claims = tokenClaims(request);
  if (!key.secret) throw new OperationError(`AUTH_JWT_SECRET is not set, and no npm start runs here with a secret of its own (${RUN_SECRET_FILE}): the token would be signed with nothing the services know`);
  const [, amount, unit] = DURATION.exec(request.expiresIn ?? '1h')!;
  const seconds = Number(amount) * { s: 1, m: 60, h: 3600, d: 86_400 }[unit as 's' | 'm' | 'h' | 'd'];
  const issuedAt = Math.floor(now.getTime() / 1000);
  let jwt = new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(claims.sub).setIssuedAt(issuedAt).setExpirationTime(issuedAt + seconds);
  if (key.issuer) jwt = jwt.setIssuer(key.issuer);
  if (key.audience) jwt = jwt.setAudience(key.audience);
  const token = await jwt.sign(new TextEncoder().encode(key.secret));
  return { token, claims, expiresAt: new Date((issuedAt + seconds) * 1000).toISOString() };
}
