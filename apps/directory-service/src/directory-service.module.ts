import { Module } from '@nestjs/common';
import { AuthModule } from '@mp/auth';
import { ServiceModule } from '@mp/platform';
import { StateModule } from '@mp/state';
import { AsyncApiHttpController } from './asyncapi/asyncapi.http.controller';
import { ConsoleAssets } from './console/console-assets';
import { ConsoleHttpController } from './console/console.http.controller';
import { CustomerRequestsQuery } from './customers/customer-requests.query';
import { CustomerResellersQuery } from './customers/customer-resellers.query';
import { CustomerSubscriptionsQuery } from './customers/customer-subscriptions.query';
import { CustomersHttpController } from './customers/customers.http.controller';
import { DirectoryIndexes } from './indexes/directory-indexes';
import { ConsumerLagQuery } from './operations/consumer-lag.query';
import { DeadLetterCountsQuery } from './operations/dead-letter-counts.query';
import { OperationsHttpController } from './operations/operations.http.controller';
import { LifecycleProjectionMessageController } from './projection/lifecycle-projection.message.controller';
import { LostReadModelsInterceptor } from './rebuild/lost-read-models.interceptor';
import { ReadModelsReadyGuard } from './rebuild/read-models-ready.guard';
import { RebuildStatus } from './rebuild/rebuild-status';
import { RequestByIdQuery } from './requests/request-by-id.query';
import { RequestsHttpController } from './requests/requests.http.controller';
import { ResellerCustomersQuery } from './resellers/reseller-customers.query';
import { ResellersHttpController } from './resellers/resellers.http.controller';

export const DIRECTORY_SERVICE = 'directory-service';

/**
 * How many handled message ids the directory remembers per customer: a redelivery brings back what
 * was handled and not committed, at most a batch per partition (its chunks of `KAFKA_CONCURRENCY`
 * messages, 64 by default, on each of a customer's four topics). The directory decides nothing and
 * its folds are idempotent: a redelivered fold beyond the ids it remembers is folded again.
 */
export const DIRECTORY_SEEN_KEPT = 256;

/**
 * The read side (DESIGN §6): the directory keeps its own folded state of every customer and
 * partner (`directory:customer:{id}`, `directory:partner:{id}`), two secondary indexes, and
 * answers the queries over HTTP, to bearer tokens (DESIGN §10).
 */
@Module({
  imports: [
    ServiceModule.forService(DIRECTORY_SERVICE),
    AuthModule,
    StateModule.forService('directory', { foldLifecycleEvents: false, foldsPerLane: true, seenKept: DIRECTORY_SEEN_KEPT }),
  ],
  controllers: [LifecycleProjectionMessageController, AsyncApiHttpController, CustomersHttpController, RequestsHttpController, ResellersHttpController, ConsoleHttpController, OperationsHttpController],
  providers: [RebuildStatus, ReadModelsReadyGuard, LostReadModelsInterceptor, DirectoryIndexes, CustomerResellersQuery, CustomerSubscriptionsQuery, CustomerRequestsQuery, RequestByIdQuery, ResellerCustomersQuery, ConsoleAssets, ConsumerLagQuery, DeadLetterCountsQuery],
})
export class DirectoryServiceModule {}
