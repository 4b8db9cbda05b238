import { Environment, ENVIRONMENT } from '@mp/config';
import { ConsentPolicy } from '@mp/domain';

export const CONSENT_POLICY = Symbol('CONSENT_POLICY');

export function consentPolicyOf(env: Environment): ConsentPolicy {
  return { oneAdminPerService: env.ONE_ADMIN_PER_SERVICE };
}

export const consentPolicyProvider = { provide: CONSENT_POLICY, useFactory: consentPolicyOf, inject: [ENVIRONMENT] };
