import { Injectable } from '@nestjs/common';
import { CustomerEvent, CustomerState, evolve, isCustomerEventType, Outgoing } from '@mp/domain';
import { EventPublisher, Origin } from '@mp/messaging';
import { CustomerStore } from './stores';

/**
 * The shell around a pure decision on one customer: load its state, decide, publish the events,
 * fold them into the state and save it with the cause's id, so a redelivered command is skipped.
 */
@Injectable()
export class CommandRunner {
  constructor(
    private readonly customers: CustomerStore,
    private readonly publisher: EventPublisher,
  ) {}

  /** `cause`: the command consumed, or a timer's deterministic origin. */
  async run(cause: Origin, customerId: string, decide: (customer: CustomerState) => Outgoing[]): Promise<void> {
    await this.customers.update(customerId, cause.id, async (customer) => {
      const produced = await this.publisher.publish(cause, decide(customer));
      return produced.reduce(
        (state, event) => (isCustomerEventType(event.type) ? evolve(state, { ...event, type: event.type } as CustomerEvent) : state),
        customer,
      );
    });
  }
}
