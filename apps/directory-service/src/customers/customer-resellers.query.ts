import { Injectable } from '@nestjs/common';
import type { Principal } from '@mp/auth';
import { CustomerStore, PartnerStore } from '@mp/state';
import type { CustomerResellersDto } from './customer.dto';
import { visibleCustomerOr404 } from './customer-not-found';
import { activeRelationships, toCustomerResellers } from './customer-views';

/**
 * Which resellers serve this customer: one HGET of the customer's state, then one pipelined
 * read of its resellers' states for their names. Two round trips, whatever the numbers. A
 * reseller sees its own entry only (an indirect provider also those of its indirect resellers).
 */
@Injectable()
export class CustomerResellersQuery {
  constructor(
    private readonly customers: CustomerStore,
    private readonly partners: PartnerStore,
  ) {}

  async run(principal: Principal, customerId: string, service?: string): Promise<CustomerResellersDto> {
    const { customer, visible } = await visibleCustomerOr404(principal, customerId, (id) => this.customers.get(id));
    const relationships = activeRelationships(customer, service).filter(visible);
    const partners = await this.partners.getMany(relationships.map((r) => r.resellerId));
    return toCustomerResellers(customerId, relationships, partners);
  }
}
