import { Injectable } from '@nestjs/common';
import type { Principal } from '@mp/auth';
import { CustomerStore } from '@mp/state';
import type { CustomerRequestsDto, DirectoryRequestStatus } from '../requests/request.dto';
import { toCustomerRequests } from '../requests/request-views';
import { visibleCustomerOr404 } from './customer-not-found';

/** A customer's relationship requests, newest first: one HGET. A reseller sees its own (an indirect provider also its indirect resellers'). */
@Injectable()
export class CustomerRequestsQuery {
  constructor(private readonly customers: CustomerStore) {}

  async run(principal: Principal, customerId: string, status?: DirectoryRequestStatus): Promise<CustomerRequestsDto> {
    const { customer, visible } = await visibleCustomerOr404(principal, customerId, (id) => this.customers.get(id));
    return toCustomerRequests(customer, status, visible);
  }
}
