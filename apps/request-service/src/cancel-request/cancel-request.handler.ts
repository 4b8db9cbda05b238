import { Injectable } from '@nestjs/common';
import type { CancelRequest, CloudEvent } from '@mp/contracts';
import { decideCancelRequest } from '@mp/domain';
import { CustomerCommandHandler } from '@mp/state';

/** CancelRequest: only the requesting reseller, only while pending. */
@Injectable()
export class CancelRequestHandler {
  constructor(private readonly commands: CustomerCommandHandler) {}

  handle(envelope: CloudEvent<CancelRequest>): Promise<void> {
    const command = envelope.data;
    return this.commands.handle(envelope, command.customerId, (customer, now) => decideCancelRequest(command, { customer, now }));
  }
}
