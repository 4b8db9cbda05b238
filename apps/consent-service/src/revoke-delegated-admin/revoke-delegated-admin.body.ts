import type { Principal } from '@mp/auth';
import { adminOfCustomer, commandBody, CommandBody } from '@mp/platform';
import type { RelationshipIds } from '../end-relationship/end-relationship.body';

/** The `RevokeDelegatedAdmin` of the customer's admin (the path's customer must be the token's), as the token's user. It takes no body. */
export function revokeDelegatedAdminOf(principal: Principal, ids: RelationshipIds, body: unknown): CommandBody {
  adminOfCustomer(principal, ids.customerId, 'revoke delegated admin privileges');
  const fields = commandBody(body, ['customerId', 'resellerId']);
  return { ...fields, customerId: ids.customerId, resellerId: ids.resellerId, revokedBy: { userId: principal.sub } };
}
