import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { CancelRequest, CloudEvent } from '@mp/contracts';
import { Clock, decideCancelRequest } from '@mp/domain';
import { CLOCK } from '@mp/platform';
import { CommandRunner } from '@mp/state';

@Controller()
export class CancelRequestMessageController {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @EventPattern('CancelRequest')
  async handle(@Payload() envelope: CloudEvent<CancelRequest>): Promise<void> {
    const command = envelope.data;
    await this.runner.run(envelope, command.customerId, (customer) => decideCancelRequest(command, { customer, now: this.clock.now() }));
  }
}
