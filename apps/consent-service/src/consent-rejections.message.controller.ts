import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { CloudEvent, ConsentRejected } from '@mp/contracts';
import { StateProjector } from '@mp/state';

/**
 * The consent-service's own refusals, read back: a refusal changes no state, but it answers a
 * command, which a state rebuilt from the topics must know as handled (DESIGN §7).
 */
@Controller()
export class ConsentRejectionsMessageController {
  constructor(private readonly projector: StateProjector) {}

  @EventPattern('ConsentRejected')
  onRejection(@Payload() envelope: CloudEvent<ConsentRejected>): Promise<void> {
    return this.projector.applyAnswer(envelope);
  }
}
