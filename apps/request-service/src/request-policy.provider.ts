import { RequestPolicy } from '@mp/domain';

export const REQUEST_POLICY = Symbol('REQUEST_POLICY');

export function requestPolicyFromEnv(env: Record<string, string | undefined> = process.env): RequestPolicy {
  const ttl = Number(env.REQUEST_TTL_DAYS ?? 90);
  if (!Number.isInteger(ttl) || ttl < 1) throw new Error(`REQUEST_TTL_DAYS must be a whole number of days >= 1, got "${env.REQUEST_TTL_DAYS}"`);
  return { requestTtlDays: ttl };
}

export const requestPolicyProvider = { provide: REQUEST_POLICY, useFactory: () => requestPolicyFromEnv() };
