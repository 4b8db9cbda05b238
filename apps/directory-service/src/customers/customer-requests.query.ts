import { Injectable } from '@nestjs/common';
import { CustomerStore } from '@mp/state';
import type { CustomerRequestsDto, DirectoryRequestStatus } from '../requests/request.dto';
import { toCustomerRequests } from '../requests/request-views';
import { knownCustomerOr404 } from './customer-not-found';

/** A customer's relationship requests, newest first: one HGET. */
@Injectable()
export class CustomerRequestsQuery {
  constructor(private readonly customers: CustomerStore) {}

  async run(customerId: string, status?: DirectoryRequestStatus): Promise<CustomerRequestsDto> {
    return toCustomerRequests(knownCustomerOr404(customerId, await this.customers.get(customerId)), status);
  }
}
