import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { CloudEvent } from '@mp/contracts';
import { KafkaMessageContext } from '@mp/messaging';
import { CustomerReferenceTypes, PartnerEventTypes } from '@mp/domain';
import { StateProjector } from './state-projector';

/** Reference data from upstream (partners, customers, subscriptions), folded into the service's state. */
@Controller()
export class ReferenceDataMessageController {
  constructor(private readonly projector: StateProjector) {}

  @EventPattern([...PartnerEventTypes])
  async onPartnerEvent(@Payload() envelope: CloudEvent, @Ctx() context: KafkaMessageContext): Promise<void> {
    await this.projector.applyPartnerEvent(envelope, context.isReplay());
  }

  @EventPattern([...CustomerReferenceTypes])
  async onCustomerEvent(@Payload() envelope: CloudEvent, @Ctx() context: KafkaMessageContext): Promise<void> {
    await this.projector.applyCustomerEvent(envelope, context.isReplay());
  }
}
