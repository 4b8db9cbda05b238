import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Principal } from '@mp/auth';
import { ID_MAX } from '@mp/contracts';
import { commandBody, CommandBody, resellerOf, sameParty } from '@mp/platform';

/** The body of `POST /v1/requests/{requestId}/cancel`: the customer the request was made to (the command's key). */
export class CancelRequestBody {
  @ApiProperty({ maxLength: ID_MAX, description: 'The customer the request was made to.' })
  customerId!: string;

  @ApiPropertyOptional({ maxLength: ID_MAX, description: 'May be left out: it is the token\'s partnerId; another one is a 403.' })
  resellerId?: string;
}

/** The `CancelRequest` of a reseller: it cancels as itself (only the requesting reseller may; the rule decides), as the token's user. */
export function cancelRequestOf(principal: Principal, requestId: string, body: unknown): CommandBody {
  const resellerId = resellerOf(principal, 'cancel a request');
  const fields = commandBody(body, ['requestId']);
  sameParty(fields, 'resellerId', resellerId);
  return { ...fields, requestId, resellerId, cancelledBy: { userId: principal.sub } };
}
