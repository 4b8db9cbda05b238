import { Module } from '@nestjs/common';
import { ServiceModule } from '@mp/platform';
import { StateModule } from '@mp/state';
import { CancelRequestMessageController } from './cancel-request/cancel-request.message.controller';
import { RequestRelationshipMessageController } from './request-relationship/request-relationship.message.controller';
import { requestPolicyProvider } from './request-policy.provider';

export const REQUEST_SERVICE = 'request-service';

/** Owns relationship requests: intake rules, cancellation, expiry (DESIGN §2). */
@Module({
  imports: [ServiceModule.forService(REQUEST_SERVICE), StateModule.forService('request')],
  controllers: [RequestRelationshipMessageController, CancelRequestMessageController],
  providers: [requestPolicyProvider],
})
export class RequestServiceModule {}
