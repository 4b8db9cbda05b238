import { ForbiddenException } from '@nestjs/common';
import type { Principal } from '@mp/auth';
import { badRequest } from '../http-errors';

/** A command route's JSON body, checked by `commandBody`. */
export type CommandBody = Record<string, unknown>;

/** The acting user of every command (DESIGN §4): the token's `sub`, never the body's. */
export const ACTOR_FIELDS = ['requestedBy', 'cancelledBy', 'approvedBy', 'declinedBy', 'endedBy', 'revokedBy'] as const;

export function forbidden(message: string): ForbiddenException {
  return new ForbiddenException({ statusCode: 403, error: 'Forbidden', message });
}

const has = (body: object, field: string) => Object.prototype.hasOwnProperty.call(body, field);

/**
 * The body of a command route: a JSON object (no body at all counts as `{}`) that names neither
 * the acting user, which is the token's, nor an id the path already names. Either is a 400 that
 * says so, rather than a value silently replaced.
 */
export function commandBody(body: unknown, pathFields: readonly string[] = []): CommandBody {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest([{ field: '', constraints: ['the body must be a JSON object'] }]);
  const refused = [
    ...ACTOR_FIELDS.filter((field) => has(body, field)).map((field) => ({ field, constraints: ['must not be given: the acting user is the token\'s "sub"'] })),
    ...pathFields.filter((field) => has(body, field)).map((field) => ({ field, constraints: ['must not be given: the path names it'] })),
  ];
  if (refused.length) throw badRequest(refused);
  return body as CommandBody;
}

const roleWord = (principal: Principal) => (principal.role === 'ops' ? 'an ops token, which acts for no party' : `a ${principal.role} token`);

/** The partner a `reseller` token acts for; any other token is a 403 for `action`. */
export function resellerOf(principal: Principal, action: string): string {
  if (principal.role !== 'reseller') throw forbidden(`Only a reseller may ${action}; this is ${roleWord(principal)}.`);
  return principal.partnerId;
}

/** The customer a `customer-admin` token acts for; any other token is a 403 for `action`. */
export function customerAdminOf(principal: Principal, action: string): string {
  if (principal.role !== 'customer-admin') throw forbidden(`Only an admin of the customer may ${action}; this is ${roleWord(principal)}.`);
  return principal.customerId;
}

/** A `customer-admin` token for `customerId` (the path's); any other token is a 403 for `action`. */
export function adminOfCustomer(principal: Principal, customerId: string, action: string): void {
  const own = customerAdminOf(principal, action);
  if (own !== customerId) throw forbidden(`This token acts for customer "${own}", not for customer "${customerId}".`);
}

/**
 * A body field that names the party the token acts for may be left out; when given, it must name
 * that very party: another one is a 403 (an admin of customer A never acts for B, a reseller never
 * for another reseller).
 */
export function sameParty(body: CommandBody, field: 'customerId' | 'resellerId', tokenParty: string): void {
  if (!has(body, field) || body[field] === tokenParty) return;
  if (typeof body[field] !== 'string') throw badRequest([{ field, constraints: [`${field} must be a string`] }]);
  const party = field === 'customerId' ? 'customer' : 'reseller';
  throw forbidden(`This token acts for ${party} "${tokenParty}", not for the ${party} the body names in ${field}.`);
}
