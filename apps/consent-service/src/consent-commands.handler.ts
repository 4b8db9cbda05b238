import { Inject, Injectable } from '@nestjs/common';
import type { ApproveRequest, CloudEvent, DeclineRequest, EndRelationship, RevokeDelegatedAdmin } from '@mp/contracts';
import { ConsentContext, ConsentPolicy, decideApprove, decideDecline, decideEnd, decideRevoke, Outgoing } from '@mp/domain';
import { CustomerCommandHandler } from '@mp/state';
import { CONSENT_POLICY } from './consent-policy.provider';

type ConsentCommand = ApproveRequest | DeclineRequest | EndRelationship | RevokeDelegatedAdmin;

/** The customer's decisions, each one pure `decide*` rule, by command type. */
const deciders: Record<string, (command: never, ctx: ConsentContext) => Outgoing[]> = {
  ApproveRequest: decideApprove,
  DeclineRequest: decideDecline,
  EndRelationship: decideEnd,
  RevokeDelegatedAdmin: decideRevoke,
};

export const ConsentCommandTypes = Object.keys(deciders);

/** One of the customer's decisions on its current state: approve, decline, end, revoke. */
@Injectable()
export class ConsentCommandsHandler {
  constructor(
    private readonly commands: CustomerCommandHandler,
    @Inject(CONSENT_POLICY) private readonly policy: ConsentPolicy,
  ) {}

  handle(envelope: CloudEvent<ConsentCommand>): Promise<void> {
    const decide = deciders[envelope.type];
    if (!decide) throw new Error(`the consent-service decides no ${envelope.type}`);
    const command = envelope.data;
    return this.commands.handle(envelope, command.customerId, (customer, now) => decide(command as never, { customer, now, policy: this.policy }));
  }
}
