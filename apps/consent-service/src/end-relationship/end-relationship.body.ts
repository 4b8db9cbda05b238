import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Principal } from '@mp/auth';
import type { Party } from '@mp/contracts';
import { commandBody, CommandBody, forbidden } from '@mp/platform';

/** The body of `POST /v1/customers/{customerId}/resellers/{resellerId}/end`; it may be left out. */
export class EndRelationshipBody {
  @ApiPropertyOptional({ maxLength: 500, description: 'Why, for the other side.' })
  reason?: string;
}

/** The path of the routes on one relationship: `/v1/customers/{customerId}/resellers/{resellerId}/...`. */
export class RelationshipIds {
  @ApiProperty()
  customerId!: string;

  @ApiProperty()
  resellerId!: string;
}

/**
 * Who ends, from the token alone (DESIGN §5): the customer's admin as `customer`, the reseller
 * itself as `reseller`, and the indirect provider the relationship came through as `provider`
 * (`indirectProviderId`, as the consent-service's state holds it). Anybody else is a 403.
 */
export function endingParty(principal: Principal, { customerId, resellerId }: RelationshipIds, indirectProviderId?: string): Party {
  switch (principal.role) {
    case 'customer-admin':
      if (principal.customerId === customerId) return 'customer';
      throw forbidden(`This token acts for customer "${principal.customerId}", not for customer "${customerId}".`);
    case 'reseller':
      if (principal.partnerId === resellerId) return 'reseller';
      if (indirectProviderId !== undefined && principal.partnerId === indirectProviderId) return 'provider';
      throw forbidden(`This token acts for partner "${principal.partnerId}", which is neither reseller "${resellerId}" nor the indirect provider of its relationship with customer "${customerId}".`);
    case 'ops':
      throw forbidden('Only the customer\'s admin, the reseller or its indirect provider may end a relationship; this is an ops token, which acts for no party.');
  }
}

/** The `EndRelationship` of the party the token acts for, as the token's user. */
export function endRelationshipOf(principal: Principal, ids: RelationshipIds, body: unknown, indirectProviderId?: string): CommandBody {
  const party = endingParty(principal, ids, indirectProviderId);
  const fields = commandBody(body, ['customerId', 'resellerId']);
  return { ...fields, customerId: ids.customerId, resellerId: ids.resellerId, endedBy: { party, userId: principal.sub } };
}
