import { Module } from '@nestjs/common';
import { ServiceModule } from '@mp/platform';
import { DUE_WORK, DueScheduler, StateModule } from '@mp/state';
import { ConsentCommandsHandler } from './consent-commands.handler';
import { ConsentCommandsMessageController } from './consent-commands.message.controller';
import { consentPolicyProvider } from './consent-policy.provider';
import { ConsentRejectionsMessageController } from './consent-rejections.message.controller';
import { consentDueAt, ConsentTimers } from './consent-timers/consent-timers';

export const CONSENT_SERVICE = 'consent-service';

/** Owns relationships and delegated admin privileges: the customer's decisions (DESIGN §2). */
@Module({
  imports: [ServiceModule.forService(CONSENT_SERVICE), StateModule.forService('consent', { dueAt: consentDueAt })],
  controllers: [ConsentCommandsMessageController, ConsentRejectionsMessageController],
  providers: [consentPolicyProvider, ConsentCommandsHandler, { provide: DUE_WORK, useClass: ConsentTimers }, DueScheduler],
})
export class ConsentServiceModule {}
