import type { Principal, Role } from './principal';

/**
 * Who sees what (DESIGN §10), one rule in one place. Two answers when the caller may not see
 * something, always the same for a given case:
 *
 * - **403** when the caller's role can never use the route (a reseller asking for subscriptions,
 *   anyone but ops on `/v1/ops/*`): decided from the token alone, before anything is read, so it
 *   says nothing of whether the resource exists;
 * - **404**, word for word the answer for an unknown id, when the role may use the route but the
 *   resource is not the caller's (another customer, a customer the reseller has nothing to do
 *   with, another reseller's request): the caller cannot tell "not yours" from "not there".
 */
export const ROUTE_ROLES = {
  'customer-resellers': ['ops', 'customer-admin', 'reseller'],
  'customer-subscriptions': ['ops', 'customer-admin'],
  'customer-requests': ['ops', 'customer-admin', 'reseller'],
  request: ['ops', 'customer-admin', 'reseller'],
  'reseller-customers': ['ops', 'reseller'],
  ops: ['ops'],
} as const satisfies Record<string, readonly Role[]>;

export type DirectoryRoute = keyof typeof ROUTE_ROLES;

/** Whether the caller's role may use the route at all; `false` is a 403. */
export function mayUse(principal: Principal, route: DirectoryRoute): boolean {
  return (ROUTE_ROLES[route] as readonly Role[]).includes(principal.role);
}

/** What of a relationship or a request the rules look at. */
export interface PartiesOf {
  resellerId: string;
  indirectProviderId?: string;
}

/** A customer's relationships and requests, as the directory holds them. */
export interface CustomerParties {
  customerId: string;
  relationships: Record<string, PartiesOf>;
  requests: Record<string, PartiesOf>;
}

/** A reseller's entry or request is the partner's when it is the reseller, or the indirect provider through which it came. */
export function concernsPartner(partnerId: string, item: PartiesOf): boolean {
  return item.resellerId === partnerId || item.indirectProviderId === partnerId;
}

/** Which of a customer's relationships and requests the caller sees; `undefined`: none, the customer is not theirs (a 404). */
export type CustomerVisibility = ((item: PartiesOf) => boolean) | undefined;

const everything = () => true;

/**
 * Which of a customer's relationships (reseller list) and requests the caller sees: ops all;
 * its admin all; another customer's admin nothing; a reseller (or indirect provider) the entries
 * and requests that concern it, and nothing when none ever did (it has no business with that customer).
 */
export function customerVisibility(principal: Principal, customer: CustomerParties): CustomerVisibility {
  switch (principal.role) {
    case 'ops':
      return everything;
    case 'customer-admin':
      return principal.customerId === customer.customerId ? everything : undefined;
    case 'reseller': {
      const concerns = (item: PartiesOf) => concernsPartner(principal.partnerId, item);
      const involved = Object.values(customer.relationships).some(concerns) || Object.values(customer.requests).some(concerns);
      return involved ? concerns : undefined;
    }
  }
}

/** Whether a customer's admin token is for this customer; decided before anything is read. */
export function mayBeCustomer(principal: Principal, customerId: string): boolean {
  return principal.role !== 'customer-admin' || principal.customerId === customerId;
}

/** Whether the caller sees one request: ops; the admin of its customer; its reseller or indirect provider. */
export function mayReadRequest(principal: Principal, request: PartiesOf & { customerId: string }): boolean {
  switch (principal.role) {
    case 'ops':
      return true;
    case 'customer-admin':
      return principal.customerId === request.customerId;
    case 'reseller':
      return concernsPartner(principal.partnerId, request);
  }
}

/**
 * Which customers of `resellerId`'s list the caller sees: ops all; the reseller itself all; an
 * indirect provider linked to it those it serves through that provider; anybody else nothing (a 404).
 */
export function resellerCustomersVisibility(principal: Principal, resellerId: string, reseller: { providerIds: readonly string[] } | undefined): CustomerVisibility {
  if (principal.role === 'ops') return everything;
  if (principal.role !== 'reseller') return undefined;
  if (principal.partnerId === resellerId) return everything;
  if (reseller?.providerIds.includes(principal.partnerId)) return (item) => item.indirectProviderId === principal.partnerId;
  return undefined;
}
