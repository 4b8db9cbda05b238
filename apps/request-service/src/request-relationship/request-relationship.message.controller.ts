import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { CloudEvent, RequestRelationship } from '@mp/contracts';
import { Clock, decideRequestRelationship, RequestPolicy } from '@mp/domain';
import { CLOCK } from '@mp/platform';
import { CommandRunner, PartnerStore } from '@mp/state';
import { REQUEST_POLICY } from '../request-policy.provider';

@Controller()
export class RequestRelationshipMessageController {
  constructor(
    private readonly runner: CommandRunner,
    private readonly partners: PartnerStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REQUEST_POLICY) private readonly policy: RequestPolicy,
  ) {}

  @EventPattern('RequestRelationship')
  async handle(@Payload() envelope: CloudEvent<RequestRelationship>): Promise<void> {
    const command = envelope.data;
    const ids = [command.resellerId, ...(command.indirectProviderId ? [command.indirectProviderId] : [])];
    const partners = await this.partners.getMany(ids);
    await this.runner.run(envelope, command.customerId, (customer) =>
      decideRequestRelationship(command, {
        customer,
        reseller: partners.get(command.resellerId),
        provider: command.indirectProviderId ? partners.get(command.indirectProviderId) : undefined,
        now: this.clock.now(),
        policy: this.policy,
      }),
    );
  }
}
