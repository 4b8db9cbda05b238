import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { CloudEvent } from '@mp/contracts';
import { KafkaMessageContext } from '@mp/messaging';
import { LifecycleEventTypes } from '@mp/domain';
import { StateProjector } from './state-projector';

/** Request and relationship events, folded into the service's copy of each customer's state. */
@Controller()
export class LifecycleEventsMessageController {
  constructor(private readonly projector: StateProjector) {}

  @EventPattern([...LifecycleEventTypes])
  async onLifecycleEvent(@Payload() envelope: CloudEvent, @Ctx() context: KafkaMessageContext): Promise<void> {
    await this.projector.foldEvent(envelope, context.isReplay());
  }
}
