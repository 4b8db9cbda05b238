import { Module } from '@nestjs/common';
import { AuthModule } from '@mp/auth';
import { keptForDecisions } from '@mp/domain';
import { HttpCommandPublisher, ServiceModule } from '@mp/platform';
import { DUE_WORK, DueScheduler, StateModule } from '@mp/state';
import { CancelRequestHandler } from './cancel-request/cancel-request.handler';
import { CancelRequestHttpController } from './cancel-request/cancel-request.http.controller';
import { CancelRequestMessageController } from './cancel-request/cancel-request.message.controller';
import { RequestRelationshipHandler } from './request-relationship/request-relationship.handler';
import { RequestRelationshipHttpController } from './request-relationship/request-relationship.http.controller';
import { RequestRelationshipMessageController } from './request-relationship/request-relationship.message.controller';
import { requestPolicyProvider } from './request-policy.provider';
import { requestDueAt, RequestTimers } from './request-timers/request-timers';

export const REQUEST_SERVICE = 'request-service';

/** Owns relationship requests: intake rules, cancellation, expiry (DESIGN §2); takes its commands from Kafka and over HTTP (DESIGN §10). */
@Module({
  imports: [ServiceModule.forService(REQUEST_SERVICE), AuthModule, StateModule.forService('request', { dueAt: requestDueAt, kept: keptForDecisions })],
  controllers: [RequestRelationshipMessageController, CancelRequestMessageController, RequestRelationshipHttpController, CancelRequestHttpController],
  providers: [requestPolicyProvider, RequestRelationshipHandler, CancelRequestHandler, { provide: DUE_WORK, useClass: RequestTimers }, DueScheduler, HttpCommandPublisher],
})
export class RequestServiceModule {}
