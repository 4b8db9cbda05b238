import { ApiPropertyOptional } from '@nestjs/swagger';
import type { Principal } from '@mp/auth';
import { ID_MAX } from '@mp/contracts';
import { commandBody, CommandBody, customerAdminOf, sameParty } from '@mp/platform';

/** The body of `POST /v1/requests/{requestId}/decline`; it may be left out. */
export class DeclineRequestBody {
  @ApiPropertyOptional({ maxLength: ID_MAX, description: 'May be left out: it is the token\'s customerId; another one is a 403.' })
  customerId?: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'Why, for the reseller.' })
  reason?: string;
}

/** The `DeclineRequest` of a customer's admin: for its own customer, as the token's user. */
export function declineRequestOf(principal: Principal, requestId: string, body: unknown): CommandBody {
  const customerId = customerAdminOf(principal, 'decline a request');
  const fields = commandBody(body, ['requestId']);
  sameParty(fields, 'customerId', customerId);
  return { ...fields, requestId, customerId, declinedBy: { userId: principal.sub } };
}
