import { Injectable } from '@nestjs/common';
import { CustomerStore, PartnerStore } from '@mp/state';
import type { CustomerResellersDto } from './customer.dto';
import { knownCustomerOr404 } from './customer-not-found';
import { activeRelationships, toCustomerResellers } from './customer-views';

/**
 * Which resellers serve this customer: one HGET of the customer's state, then one pipelined
 * read of its resellers' states for their names. Two round trips, whatever the numbers.
 */
@Injectable()
export class CustomerResellersQuery {
  constructor(
    private readonly customers: CustomerStore,
    private readonly partners: PartnerStore,
  ) {}

  async run(customerId: string, service?: string): Promise<CustomerResellersDto> {
    const customer = knownCustomerOr404(customerId, await this.customers.get(customerId));
    const relationships = activeRelationships(customer, service);
    const partners = await this.partners.getMany(relationships.map((r) => r.resellerId));
    return toCustomerResellers(customerId, relationships, partners);
  }
}
