import { Injectable } from '@nestjs/common';
import { CustomerStore } from '@mp/state';
import type { CustomerSubscriptionsDto } from './customer.dto';
import { knownCustomerOr404 } from './customer-not-found';
import { toCustomerSubscriptions } from './customer-views';

/** A customer's subscriptions with their Partner of Record: one HGET. */
@Injectable()
export class CustomerSubscriptionsQuery {
  constructor(private readonly customers: CustomerStore) {}

  async run(customerId: string): Promise<CustomerSubscriptionsDto> {
    return toCustomerSubscriptions(knownCustomerOr404(customerId, await this.customers.get(customerId)));
  }
}
