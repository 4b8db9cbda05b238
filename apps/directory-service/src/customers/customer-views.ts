import type { DelegatedAdminSnapshot, RelationshipSnapshot } from '@mp/contracts';
import type { CustomerState, PartnerState } from '@mp/domain';
import type { CustomerResellersDto, CustomerSubscriptionsDto, DelegatedAdminDto } from './customer.dto';

/** The privileges as the directory shows them: status, roles, expiry and auto-extension. */
export function delegatedAdminView(snapshot: DelegatedAdminSnapshot): DelegatedAdminDto {
  return {
    status: snapshot.status,
    roles: [...snapshot.roles],
    ...(snapshot.expiresAt ? { expiresAt: snapshot.expiresAt } : {}),
    autoExtend: snapshot.autoExtend,
  };
}

/** A customer's active relationships, oldest first, optionally only those serving `service`. */
export function activeRelationships(state: CustomerState, service?: string): RelationshipSnapshot[] {
  return Object.values(state.relationships)
    .filter((r) => r.status === 'active' && (service === undefined || r.services.includes(service)))
    .sort((a, b) => a.since.localeCompare(b.since) || a.resellerId.localeCompare(b.resellerId));
}

/** `GET /v1/customers/{id}/resellers`: the relationships, with each reseller's name. */
export function toCustomerResellers(
  customerId: string,
  relationships: readonly RelationshipSnapshot[],
  partners: ReadonlyMap<string, PartnerState>,
): CustomerResellersDto {
  return {
    customerId,
    resellers: relationships.map((r) => ({
      resellerId: r.resellerId,
      name: partners.get(r.resellerId)?.profile?.name ?? null,
      channel: r.channel,
      ...(r.indirectProviderId ? { indirectProviderId: r.indirectProviderId } : {}),
      services: [...r.services],
      since: r.since,
      delegatedAdmin: delegatedAdminView(r.delegatedAdmin),
    })),
  };
}

/** `GET /v1/customers/{id}/subscriptions`: every subscription, with its Partner of Record. */
export function toCustomerSubscriptions(state: CustomerState): CustomerSubscriptionsDto {
  return {
    customerId: state.customerId,
    subscriptions: Object.values(state.subscriptions)
      .sort((a, b) => a.subscriptionId.localeCompare(b.subscriptionId))
      .map(({ subscriptionId, service, quantity, partnerOfRecordId, status }) => ({ subscriptionId, service, quantity, partnerOfRecordId, status })),
  };
}
