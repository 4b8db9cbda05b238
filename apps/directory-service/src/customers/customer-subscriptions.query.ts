import { Injectable } from '@nestjs/common';
import type { Principal } from '@mp/auth';
import { CustomerStore } from '@mp/state';
import type { CustomerSubscriptionsDto } from './customer.dto';
import { visibleCustomerOr404 } from './customer-not-found';
import { toCustomerSubscriptions } from './customer-views';

/** A customer's subscriptions with their Partner of Record: one HGET. */
@Injectable()
export class CustomerSubscriptionsQuery {
  constructor(private readonly customers: CustomerStore) {}

  async run(principal: Principal, customerId: string): Promise<CustomerSubscriptionsDto> {
    const { customer } = await visibleCustomerOr404(principal, customerId, (id) => this.customers.get(id));
    return toCustomerSubscriptions(customer);
  }
}
