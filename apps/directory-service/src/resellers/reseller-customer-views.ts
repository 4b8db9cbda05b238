import type { PartiesOf } from '@mp/auth';
import type { CustomerState } from '@mp/domain';
import { delegatedAdminView } from '../customers/customer-views';
import type { ResellerCustomerDto, ResellerCustomersDto } from './reseller-customers.dto';

/**
 * One page of `GET /v1/resellers/{id}/customers`: the page's members, in index order, with what
 * each customer's state says of its relationship with the reseller. A member whose relationship
 * is no longer active (the index lags the state by one write) is left out, never shown stale;
 * so is one not `visible` to the caller.
 */
export function toResellerCustomers(
  resellerId: string,
  members: readonly string[],
  customers: ReadonlyMap<string, CustomerState>,
  nextCursor?: string,
  visible: (relationship: PartiesOf) => boolean = () => true,
): ResellerCustomersDto {
  const rows = members.flatMap((customerId): ResellerCustomerDto[] => {
    const customer = customers.get(customerId);
    const relationship = customer?.relationships[resellerId];
    if (!customer || relationship?.status !== 'active' || !visible(relationship)) return [];
    return [
      {
        customerId,
        name: customer.profile?.name ?? null,
        services: [...relationship.services],
        since: relationship.since,
        delegatedAdmin: delegatedAdminView(relationship.delegatedAdmin),
      },
    ];
  });
  return { resellerId, customers: rows, ...(nextCursor ? { nextCursor } : {}) };
}
