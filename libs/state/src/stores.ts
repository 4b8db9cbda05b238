import { AggregateStore } from '@mp/redis';
import { CustomerState, emptyCustomerState, emptyPartnerState, PartnerState } from '@mp/domain';
import type { Redis } from 'ioredis';

/** A service's own copy of every customer's state, keyed `<service>:customer:{customerId}`. */
export class CustomerStore extends AggregateStore<CustomerState> {
  constructor(redis: Redis, service: string) {
    super(redis, `${service}:customer`, emptyCustomerState);
  }
}

/** A service's own copy of every partner's state, keyed `<service>:partner:{partnerId}`. */
export class PartnerStore extends AggregateStore<PartnerState> {
  constructor(redis: Redis, service: string) {
    super(redis, `${service}:partner`, emptyPartnerState);
  }
}
