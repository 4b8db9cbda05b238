/** Settings of the request rules, read from the environment by the service. */
export interface RequestPolicy {
  /** Pending requests expire after this many days (`REQUEST_TTL_DAYS`, default 90). */
  requestTtlDays: number;
}

export const defaultRequestPolicy: RequestPolicy = { requestTtlDays: 90 };

/** Roles so powerful that their privileges must be renewed by a human, never auto-extended. */
export const NON_EXTENDABLE_ROLES = ['GlobalAdministrator'];
