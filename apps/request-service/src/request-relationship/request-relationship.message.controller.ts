import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { CloudEvent, RequestRelationship } from '@mp/contracts';
import { RequestRelationshipHandler } from './request-relationship.handler';

@Controller()
export class RequestRelationshipMessageController {
  constructor(private readonly handler: RequestRelationshipHandler) {}

  @EventPattern('RequestRelationship')
  handle(@Payload() envelope: CloudEvent<RequestRelationship>): Promise<void> {
    return this.handler.handle(envelope);
  }
}
