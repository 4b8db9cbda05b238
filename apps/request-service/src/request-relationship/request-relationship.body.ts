import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Principal } from '@mp/auth';
import { ID_MAX } from '@mp/contracts';
import { commandBody, CommandBody, resellerOf, sameParty } from '@mp/platform';

class DelegatedAdminAskBody {
  @ApiProperty({ type: [String], example: ['AdminAgent'], description: 'The admin roles asked for, at least one.' })
  roles!: string[];

  @ApiProperty({ minimum: 1, maximum: 730, example: 90 })
  durationDays!: number;

  @ApiProperty({ description: 'Extend by 180 days at expiry; not allowed with GlobalAdministrator.' })
  autoExtend!: boolean;
}

/** The body of `POST /v1/requests`, as documented in /docs: `RequestRelationship` without its reseller and its actor, which are the token's. */
export class RequestRelationshipBody {
  @ApiProperty({ maxLength: ID_MAX, description: 'The caller\'s idempotency key: the same requestId twice yields no second event.' })
  requestId!: string;

  @ApiProperty({ maxLength: ID_MAX })
  customerId!: string;

  @ApiPropertyOptional({ maxLength: ID_MAX, description: 'May be left out: it is the token\'s partnerId; another one is a 403.' })
  resellerId?: string;

  @ApiProperty({ type: [String], example: ['Azure'], maxItems: 50 })
  services!: string[];

  @ApiPropertyOptional({ type: DelegatedAdminAskBody })
  delegatedAdmin?: DelegatedAdminAskBody;

  @ApiPropertyOptional({ maxLength: ID_MAX, description: 'An indirect reseller names the indirect provider it works through.' })
  indirectProviderId?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  message?: string;
}

/** The `RequestRelationship` of a reseller's `POST /v1/requests`: it requests for itself (the token's partner), as the token's user. */
export function requestRelationshipOf(principal: Principal, body: unknown): CommandBody {
  const resellerId = resellerOf(principal, 'request a relationship');
  const fields = commandBody(body);
  sameParty(fields, 'resellerId', resellerId);
  return { ...fields, resellerId, requestedBy: { userId: principal.sub } };
}
