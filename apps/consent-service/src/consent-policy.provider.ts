import { ConsentPolicy } from '@mp/domain';

export const CONSENT_POLICY = Symbol('CONSENT_POLICY');

export function consentPolicyFromEnv(env: Record<string, string | undefined> = process.env): ConsentPolicy {
  const raw = (env.ONE_ADMIN_PER_SERVICE ?? 'true').toLowerCase();
  if (raw !== 'true' && raw !== 'false') throw new Error(`ONE_ADMIN_PER_SERVICE must be true or false, got "${raw}"`);
  return { oneAdminPerService: raw === 'true' };
}

export const consentPolicyProvider = { provide: CONSENT_POLICY, useFactory: () => consentPolicyFromEnv() };
