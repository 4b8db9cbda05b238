import { Inject, Injectable } from '@nestjs/common';
import type { CloudEvent } from '@mp/contracts';
import { Clock, ConsentContext, ConsentPolicy, Outgoing } from '@mp/domain';
import { CLOCK } from '@mp/platform';
import { CommandRunner } from '@mp/state';
import { CONSENT_POLICY } from './consent-policy.provider';

/** Runs one of the customer's decisions (a pure `decide*` function) on its current state. */
@Injectable()
export class ConsentDecision {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONSENT_POLICY) private readonly policy: ConsentPolicy,
  ) {}

  run<C extends { customerId: string }>(envelope: CloudEvent<C>, decide: (command: C, ctx: ConsentContext) => Outgoing[]): Promise<void> {
    const command = envelope.data;
    return this.runner.run(envelope, command.customerId, (customer) => decide(command, { customer, now: this.clock.now(), policy: this.policy }));
  }
}
