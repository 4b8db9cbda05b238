import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { ApproveRequest, CloudEvent, DeclineRequest, EndRelationship, RevokeDelegatedAdmin } from '@mp/contracts';
import { decideApprove, decideDecline, decideEnd, decideRevoke } from '@mp/domain';
import { ConsentDecision } from './consent-decision';

/** The customer's decisions: each command is one pure `decide*` rule run on the customer's state. */
@Controller()
export class ConsentCommandsMessageController {
  constructor(private readonly decision: ConsentDecision) {}

  @EventPattern('ApproveRequest')
  approve(@Payload() envelope: CloudEvent<ApproveRequest>): Promise<void> {
    return this.decision.run(envelope, decideApprove);
  }

  @EventPattern('DeclineRequest')
  decline(@Payload() envelope: CloudEvent<DeclineRequest>): Promise<void> {
    return this.decision.run(envelope, decideDecline);
  }

  @EventPattern('EndRelationship')
  end(@Payload() envelope: CloudEvent<EndRelationship>): Promise<void> {
    return this.decision.run(envelope, decideEnd);
  }

  @EventPattern('RevokeDelegatedAdmin')
  revoke(@Payload() envelope: CloudEvent<RevokeDelegatedAdmin>): Promise<void> {
    return this.decision.run(envelope, decideRevoke);
  }
}
