/** The roles of DESIGN §10. */
export const ROLES = ['ops', 'customer-admin', 'reseller'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who is calling, as a verified bearer token says (DESIGN §10): `sub` is the user; a
 * `customer-admin` acts for one customer, a `reseller` for one partner (a reseller, or an
 * indirect provider), `ops` for everything.
 */
export type Principal =
  | { sub: string; role: 'ops' }
  | { sub: string; role: 'customer-admin'; customerId: string }
  | { sub: string; role: 'reseller'; partnerId: string };

/** The caller when `AUTH_DISABLED=true`: nothing is checked, so everybody is ops. */
export const UNCHECKED_PRINCIPAL: Principal = { sub: 'anonymous', role: 'ops' };
