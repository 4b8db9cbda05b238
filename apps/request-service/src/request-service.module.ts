import { Module } from '@nestjs/common';
import { ServiceModule } from '@mp/platform';
import { DUE_WORK, DueScheduler, StateModule } from '@mp/state';
import { CancelRequestHandler } from './cancel-request/cancel-request.handler';
import { CancelRequestMessageController } from './cancel-request/cancel-request.message.controller';
import { RequestRelationshipHandler } from './request-relationship/request-relationship.handler';
import { RequestRelationshipMessageController } from './request-relationship/request-relationship.message.controller';
import { requestPolicyProvider } from './request-policy.provider';
import { requestDueAt, RequestTimers } from './request-timers/request-timers';

export const REQUEST_SERVICE = 'request-service';

/** Owns relationship requests: intake rules, cancellation, expiry (DESIGN §2). */
@Module({
  imports: [ServiceModule.forService(REQUEST_SERVICE), StateModule.forService('request', { dueAt: requestDueAt })],
  controllers: [RequestRelationshipMessageController, CancelRequestMessageController],
  providers: [requestPolicyProvider, RequestRelationshipHandler, CancelRequestHandler, { provide: DUE_WORK, useClass: RequestTimers }, DueScheduler],
})
export class RequestServiceModule {}
