import { Injectable } from '@nestjs/common';
import type { CloudEvent, CancelRequest, RequestRelationship } from '@mp/contracts';
import { decideRequestExpiry, earliest, nextRequestExpiry, nextWaitingRetry, CustomerState } from '@mp/domain';
import { CustomerCommandHandler, CustomerStore, DueWork, retryWaitingCommands } from '@mp/state';
import { CancelRequestHandler } from '../cancel-request/cancel-request.handler';
import { RequestRelationshipHandler } from '../request-relationship/request-relationship.handler';

/** When the request-service next has timed work for a customer: a waiting command, or a request to expire. */
export function requestDueAt(customer: CustomerState): number | undefined {
  return earliest(nextWaitingRetry(customer), nextRequestExpiry(customer));
}

/**
 * The request-service's timed work for one customer, fired by the scheduler: commands waiting
 * for what they name are decided again, then pending requests past `REQUEST_TTL_DAYS` expire.
 * Timers are commands too: the expiry's origin names the customer and the due time, so a re-run
 * after a crash emits the same ids.
 */
@Injectable()
export class RequestTimers implements DueWork {
  constructor(
    private readonly customers: CustomerStore,
    private readonly commands: CustomerCommandHandler,
    private readonly requestRelationship: RequestRelationshipHandler,
    private readonly cancelRequest: CancelRequestHandler,
  ) {}

  async run(customerId: string, dueAt: number): Promise<void> {
    await retryWaitingCommands(this.customers, customerId, {
      RequestRelationship: (command) => this.requestRelationship.handle(command as CloudEvent<RequestRelationship>),
      CancelRequest: (command) => this.cancelRequest.handle(command as CloudEvent<CancelRequest>),
    });
    await this.commands.handle({ id: `request-expiry/${customerId}/${dueAt}` }, customerId, (customer, now) => decideRequestExpiry(customer, now));
  }
}
