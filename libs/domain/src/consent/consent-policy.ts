export interface ConsentPolicy {
  /** At most one reseller holds delegated admin privileges per service of a customer (`ONE_ADMIN_PER_SERVICE`). */
  oneAdminPerService: boolean;
}

export const defaultConsentPolicy: ConsentPolicy = { oneAdminPerService: true };

/** Auto-extension adds this many days to privileges that reach their end. */
export const AUTO_EXTEND_DAYS = 180;
