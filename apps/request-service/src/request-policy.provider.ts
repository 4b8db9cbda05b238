import { Environment, ENVIRONMENT } from '@mp/config';
import { RequestPolicy } from '@mp/domain';

export const REQUEST_POLICY = Symbol('REQUEST_POLICY');

export function requestPolicyOf(env: Environment): RequestPolicy {
  return { requestTtlDays: env.REQUEST_TTL_DAYS };
}

export const requestPolicyProvider = { provide: REQUEST_POLICY, useFactory: requestPolicyOf, inject: [ENVIRONMENT] };
