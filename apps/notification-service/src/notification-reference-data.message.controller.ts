import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { CloudEvent } from '@mp/contracts';
import { KafkaMessageContext } from '@mp/messaging';
import { CustomerReferenceTypes, PartnerEventTypes } from '@mp/domain';
import { StateProjector } from '@mp/state';
import { NotificationOutbox } from './delivery/notification-outbox';
import { customerParty, partnerParty } from './notification-plan';

/**
 * Reference data from upstream, folded into the service's state as every service does; a
 * registration also releases the notifications that were waiting for that party (DESIGN §7).
 */
@Controller()
export class NotificationReferenceDataMessageController {
  constructor(
    private readonly projector: StateProjector,
    private readonly outbox: NotificationOutbox,
  ) {}

  @EventPattern([...PartnerEventTypes])
  async onPartnerEvent(@Payload() envelope: CloudEvent, @Ctx() context: KafkaMessageContext): Promise<void> {
    const partner = await this.projector.applyPartnerEvent(envelope, context.isReplay());
    if (envelope.type === 'PartnerRegistered') await this.outbox.registered(partnerParty(partner.partnerId));
  }

  @EventPattern([...CustomerReferenceTypes])
  async onCustomerEvent(@Payload() envelope: CloudEvent, @Ctx() context: KafkaMessageContext): Promise<void> {
    const customer = await this.projector.applyCustomerEvent(envelope, context.isReplay());
    if (envelope.type === 'CustomerRegistered') await this.outbox.registered(customerParty(customer.customerId));
  }
}
