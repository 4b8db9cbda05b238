import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@mp/contracts';
import { CustomerEvent, CustomerState, evolve, isCustomerEventType, Outgoing } from '@mp/domain';
import { EventPublisher } from '@mp/messaging';
import { CustomerStore } from './stores';

/**
 * The shell around a pure decision on one customer: load its state, decide, publish the events,
 * fold them into the state and save it with the command's id, so a redelivered command is skipped.
 */
@Injectable()
export class CommandRunner {
  constructor(
    private readonly customers: CustomerStore,
    private readonly publisher: EventPublisher,
  ) {}

  async run(command: CloudEvent, customerId: string, decide: (customer: CustomerState) => Outgoing[]): Promise<void> {
    await this.customers.update(customerId, command.id, async (customer) => {
      const produced = await this.publisher.publish(command, decide(customer));
      return produced.reduce(
        (state, event) => (isCustomerEventType(event.type) ? evolve(state, { ...event, type: event.type } as CustomerEvent) : state),
        customer,
      );
    });
  }
}
