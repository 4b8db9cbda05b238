import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { ApproveRequest, CloudEvent, DeclineRequest, EndRelationship, RevokeDelegatedAdmin } from '@mp/contracts';
import { ConsentCommandsHandler } from './consent-commands.handler';

/** The customer's decisions, as they arrive on `mp.consent-commands.v1`. */
@Controller()
export class ConsentCommandsMessageController {
  constructor(private readonly handler: ConsentCommandsHandler) {}

  @EventPattern('ApproveRequest')
  approve(@Payload() envelope: CloudEvent<ApproveRequest>): Promise<void> {
    return this.handler.handle(envelope);
  }

  @EventPattern('DeclineRequest')
  decline(@Payload() envelope: CloudEvent<DeclineRequest>): Promise<void> {
    return this.handler.handle(envelope);
  }

  @EventPattern('EndRelationship')
  end(@Payload() envelope: CloudEvent<EndRelationship>): Promise<void> {
    return this.handler.handle(envelope);
  }

  @EventPattern('RevokeDelegatedAdmin')
  revoke(@Payload() envelope: CloudEvent<RevokeDelegatedAdmin>): Promise<void> {
    return this.handler.handle(envelope);
  }
}
