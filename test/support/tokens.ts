import { mintToken, type TokenRequest } from '@mp/operations';

/**
 * Bearer tokens for the tests, minted as `npm run ops -- token` mints them: signed with the
 * run's `AUTH_JWT_SECRET` (isolation.ts sets one), with `AUTH_ISSUER` / `AUTH_AUDIENCE` when set.
 */
export async function tokenFor(request: TokenRequest, now?: Date): Promise<string> {
  const key = { secret: process.env.AUTH_JWT_SECRET, issuer: process.env.AUTH_ISSUER, audience: process.env.AUTH_AUDIENCE };
  return (await mintToken(request, key, now)).token;
}

/** `Authorization: Bearer <an ops token>`: ops sees everything (DESIGN §10). */
export async function opsHeaders(): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await tokenFor({ role: 'ops', subject: 'test-ops' })}` };
}
