import { Module } from '@nestjs/common';
import { ServiceModule } from '@mp/platform';
import { StateModule } from '@mp/state';
import { ConsentCommandsMessageController } from './consent-commands.message.controller';
import { ConsentDecision } from './consent-decision';
import { consentPolicyProvider } from './consent-policy.provider';

export const CONSENT_SERVICE = 'consent-service';

/** Owns relationships and delegated admin privileges: the customer's decisions (DESIGN §2). */
@Module({
  imports: [ServiceModule.forService(CONSENT_SERVICE), StateModule.forService('consent')],
  controllers: [ConsentCommandsMessageController],
  providers: [consentPolicyProvider, ConsentDecision],
})
export class ConsentServiceModule {}
