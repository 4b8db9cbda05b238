import { Module } from '@nestjs/common';
import { AuthModule } from '@mp/auth';
import { keptForDecisions } from '@mp/domain';
import { HttpCommandPublisher, ServiceModule } from '@mp/platform';
import { DUE_WORK, DueScheduler, StateModule } from '@mp/state';
import { ApproveRequestHttpController } from './approve-request/approve-request.http.controller';
import { ConsentCommandsHandler } from './consent-commands.handler';
import { ConsentCommandsMessageController } from './consent-commands.message.controller';
import { consentPolicyProvider } from './consent-policy.provider';
import { ConsentRejectionsMessageController } from './consent-rejections.message.controller';
import { consentDueAt, ConsentTimers } from './consent-timers/consent-timers';
import { DeclineRequestHttpController } from './decline-request/decline-request.http.controller';
import { EndRelationshipHttpController } from './end-relationship/end-relationship.http.controller';
import { RevokeDelegatedAdminHttpController } from './revoke-delegated-admin/revoke-delegated-admin.http.controller';

export const CONSENT_SERVICE = 'consent-service';

/** Owns relationships and delegated admin privileges: the customer's decisions (DESIGN §2), from Kafka and over HTTP (DESIGN §10). */
@Module({
  imports: [ServiceModule.forService(CONSENT_SERVICE), AuthModule, StateModule.forService('consent', { dueAt: consentDueAt, kept: keptForDecisions })],
  controllers: [
    ConsentCommandsMessageController,
    ConsentRejectionsMessageController,
    ApproveRequestHttpController,
    DeclineRequestHttpController,
    EndRelationshipHttpController,
    RevokeDelegatedAdminHttpController,
  ],
  providers: [consentPolicyProvider, ConsentCommandsHandler, { provide: DUE_WORK, useClass: ConsentTimers }, DueScheduler, HttpCommandPublisher],
})
export class ConsentServiceModule {}
