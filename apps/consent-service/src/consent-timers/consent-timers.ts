import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@mp/contracts';
import { CustomerState, decidePrivilegeExpiry, earliest, nextPrivilegeExpiry, nextWaitingRetry } from '@mp/domain';
import { CustomerCommandHandler, CustomerStore, DueWork, retryWaitingCommands } from '@mp/state';
import { ConsentCommandsHandler, ConsentCommandTypes } from '../consent-commands.handler';

/** When the consent-service next has timed work for a customer: a waiting command, or privileges at their end. */
export function consentDueAt(customer: CustomerState): number | undefined {
  return earliest(nextWaitingRetry(customer), nextPrivilegeExpiry(customer));
}

/**
 * The consent-service's timed work for one customer, fired by the scheduler: commands waiting
 * for what they name (an approval read before its request) are decided again, then privileges
 * at their end expire or auto-extend, with an origin derived from the customer and the due time.
 */
@Injectable()
export class ConsentTimers implements DueWork {
  constructor(
    private readonly customers: CustomerStore,
    private readonly commands: CustomerCommandHandler,
    private readonly consentCommands: ConsentCommandsHandler,
  ) {}

  async run(customerId: string, dueAt: number): Promise<void> {
    const retry = (command: CloudEvent) => this.consentCommands.handle(command as Parameters<ConsentCommandsHandler['handle']>[0]);
    await retryWaitingCommands(this.customers, customerId, Object.fromEntries(ConsentCommandTypes.map((type) => [type, retry])));
    await this.commands.handle({ id: `privilege-expiry/${customerId}/${dueAt}` }, customerId, (customer, now) => decidePrivilegeExpiry(customer, now));
  }
}
