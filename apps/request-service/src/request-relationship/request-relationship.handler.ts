import { Inject, Injectable } from '@nestjs/common';
import type { CloudEvent, RequestRelationship } from '@mp/contracts';
import { decideRequestRelationship, RequestPolicy } from '@mp/domain';
import { CustomerCommandHandler, PartnerStore } from '@mp/state';
import { REQUEST_POLICY } from '../request-policy.provider';

/** RequestRelationship: the partners it names are read first, then the intake rules decide on the customer. */
@Injectable()
export class RequestRelationshipHandler {
  constructor(
    private readonly commands: CustomerCommandHandler,
    private readonly partners: PartnerStore,
    @Inject(REQUEST_POLICY) private readonly policy: RequestPolicy,
  ) {}

  async handle(envelope: CloudEvent<RequestRelationship>): Promise<void> {
    const command = envelope.data;
    const partners = await this.partners.getMany([command.resellerId, ...(command.indirectProviderId ? [command.indirectProviderId] : [])]);
    const reseller = partners.get(command.resellerId);
    const provider = command.indirectProviderId ? partners.get(command.indirectProviderId) : undefined;
    await this.commands.handle(envelope, command.customerId, (customer, now) =>
      decideRequestRelationship(command, { customer, reseller, provider, now, policy: this.policy }),
    );
  }
}
