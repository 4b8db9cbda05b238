import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { CancelRequest, CloudEvent } from '@mp/contracts';
import { CancelRequestHandler } from './cancel-request.handler';

@Controller()
export class CancelRequestMessageController {
  constructor(private readonly handler: CancelRequestHandler) {}

  @EventPattern('CancelRequest')
  handle(@Payload() envelope: CloudEvent<CancelRequest>): Promise<void> {
    return this.handler.handle(envelope);
  }
}
