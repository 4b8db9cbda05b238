import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { CloudEvent } from '@mp/contracts';
import { LifecycleEventTypes } from '@mp/domain';
import { StateProjector } from '@mp/state';
import { NotificationDispatcher } from './notification-dispatcher';

/** Request and relationship events: fold each into the customer's state, then tell whoever must hear of it. */
@Controller()
export class NotificationLifecycleMessageController {
  constructor(
    private readonly projector: StateProjector,
    private readonly dispatcher: NotificationDispatcher,
  ) {}

  @EventPattern([...LifecycleEventTypes])
  async onLifecycleEvent(@Payload() envelope: CloudEvent): Promise<void> {
    // A no-op on redelivery; the delivery log then keeps the notifications from going out twice.
    const customer = await this.projector.applyCustomerEvent(envelope);
    await this.dispatcher.dispatch(envelope, customer);
  }
}
