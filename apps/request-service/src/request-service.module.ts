import { Module } from '@nestjs/common';
import { ServiceModule } from '@mp/platform';
import { nextRequestExpiry } from '@mp/domain';
import { DueScheduler, StateModule } from '@mp/state';
import { expireRequestsAction } from './expire-requests/expire-requests.action';
import { CancelRequestMessageController } from './cancel-request/cancel-request.message.controller';
import { RequestRelationshipMessageController } from './request-relationship/request-relationship.message.controller';
import { requestPolicyProvider } from './request-policy.provider';

export const REQUEST_SERVICE = 'request-service';

/** Owns relationship requests: intake rules, cancellation, expiry (DESIGN §2). */
@Module({
  imports: [ServiceModule.forService(REQUEST_SERVICE), StateModule.forService('request', { dueAt: nextRequestExpiry })],
  controllers: [RequestRelationshipMessageController, CancelRequestMessageController],
  providers: [requestPolicyProvider, expireRequestsAction, DueScheduler],
})
export class RequestServiceModule {}
