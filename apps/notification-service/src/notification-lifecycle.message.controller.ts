import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { CloudEvent } from '@mp/contracts';
import { KafkaMessageContext } from '@mp/messaging';
import { CustomerEvent, LifecycleEventTypes, recipientsOf } from '@mp/domain';
import { StateProjector } from '@mp/state';
import { NotificationOutbox } from './delivery/notification-outbox';

/**
 * Request and relationship events: fold each into the customer's state, then file a notification
 * for whoever must hear of it. Fast by design: delivery happens off this path.
 */
@Controller()
export class NotificationLifecycleMessageController {
  constructor(
    private readonly projector: StateProjector,
    private readonly outbox: NotificationOutbox,
  ) {}

  @EventPattern([...LifecycleEventTypes])
  async onLifecycleEvent(@Payload() envelope: CloudEvent, @Ctx() context: KafkaMessageContext): Promise<void> {
    const customer = await this.projector.applyCustomerEvent(envelope, context.isReplay());
    const recipients = recipientsOf(eventOf(envelope), customer);
    // Filed again on a redelivery: the queue and the delivery log keep it from going out twice.
    await this.outbox.file(envelope, customer, recipients);
  }
}

function eventOf(envelope: CloudEvent): CustomerEvent {
  return { id: envelope.id, time: envelope.time, type: envelope.type, data: envelope.data } as CustomerEvent;
}
