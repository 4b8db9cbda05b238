import { ApiPropertyOptional } from '@nestjs/swagger';
import type { Principal } from '@mp/auth';
import { ID_MAX } from '@mp/contracts';
import { commandBody, CommandBody, customerAdminOf, sameParty } from '@mp/platform';

/** The body of `POST /v1/requests/{requestId}/approve`; it may be left out. */
export class ApproveRequestBody {
  @ApiPropertyOptional({ maxLength: ID_MAX, description: 'May be left out: it is the token\'s customerId; another one is a 403.' })
  customerId?: string;

  @ApiPropertyOptional({ description: 'Defaults to true when privileges were asked: the customer may approve yet withhold them.' })
  grantDelegatedAdmin?: boolean;
}

/** The `ApproveRequest` of a customer's admin: for its own customer (the token's, the command's key), as the token's user. */
export function approveRequestOf(principal: Principal, requestId: string, body: unknown): CommandBody {
  const customerId = customerAdminOf(principal, 'approve a request');
  const fields = commandBody(body, ['requestId']);
  sameParty(fields, 'customerId', customerId);
  return { ...fields, requestId, customerId, approvedBy: { userId: principal.sub } };
}
