import { AggregateStore, DueIndex, RedisClient } from '@mp/redis';
import { CustomerState, emptyCustomerState, emptyPartnerState, PartnerState } from '@mp/domain';

/** When a customer's state next needs a timed decision (a pure function of the state), if ever. */
export type DueAt = (state: CustomerState) => number | undefined;

/**
 * A service's own copy of every customer's state, keyed `<service>:customer:{customerId}`. With
 * `dueAt`, every write also files the customer in `<service>:due`, for the scheduler.
 */
export class CustomerStore extends AggregateStore<CustomerState> {
  readonly dueIndex?: DueIndex;

  constructor(
    redis: RedisClient,
    /** The service's short name, the first part of its keys (`request`, `consent`, ...). */
    readonly service: string,
    private readonly dueAt?: DueAt,
    /** What of a customer's state the service keeps (`keptForDecisions`, `withoutRequestHistory`); all of it by default. */
    kept?: (state: CustomerState) => CustomerState,
    /** How many handled message ids a customer's state remembers. */
    seenKept?: number,
  ) {
    super(redis, `${service}:customer`, emptyCustomerState, kept, seenKept);
    if (dueAt) this.dueIndex = new DueIndex(redis, `${service}:due`);
  }

  protected override async afterSave(id: string, state: CustomerState, previous: CustomerState | undefined): Promise<void> {
    if (!this.dueAt || !this.dueIndex) return;
    const due = this.dueAt(state);
    // Most writes do not move the due time: no round trip for those. A repair always writes.
    if (previous === undefined || due !== this.dueAt(previous)) await this.dueIndex.set(id, due);
  }
}

/** A service's own copy of every partner's state, keyed `<service>:partner:{partnerId}`. */
export class PartnerStore extends AggregateStore<PartnerState> {
  constructor(redis: RedisClient, service: string, seenKept?: number) {
    super(redis, `${service}:partner`, emptyPartnerState, undefined, seenKept);
  }
}
