import { Module } from '@nestjs/common';
import { ServiceModule } from '@mp/platform';
import { nextPrivilegeExpiry } from '@mp/domain';
import { DueScheduler, StateModule } from '@mp/state';
import { ConsentCommandsMessageController } from './consent-commands.message.controller';
import { ConsentDecision } from './consent-decision';
import { expirePrivilegesAction } from './expire-privileges/expire-privileges.action';
import { consentPolicyProvider } from './consent-policy.provider';

export const CONSENT_SERVICE = 'consent-service';

/** Owns relationships and delegated admin privileges: the customer's decisions (DESIGN §2). */
@Module({
  imports: [ServiceModule.forService(CONSENT_SERVICE), StateModule.forService('consent', { dueAt: nextPrivilegeExpiry })],
  controllers: [ConsentCommandsMessageController],
  providers: [consentPolicyProvider, ConsentDecision, expirePrivilegesAction, DueScheduler],
})
export class ConsentServiceModule {}
