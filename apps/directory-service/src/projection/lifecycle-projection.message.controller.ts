import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { CloudEvent } from '@mp/contracts';
import { KafkaMessageContext } from '@mp/messaging';
import { LifecycleEventTypes } from '@mp/domain';
import { StateProjector } from '@mp/state';
import { DirectoryIndexes } from '../indexes/directory-indexes';
import { indexWritesFor } from '../indexes/index-writes';

/**
 * Request and relationship events: folded into the directory's copy of the customer's state
 * (the read model itself: one read answers a customer's resellers, subscriptions and requests),
 * then mirrored into the secondary indexes (request -> customer, reseller -> customers).
 *
 * The fold is skipped for a message id already seen, but the index writes are always redone from
 * the resulting state: a crash between the two writes is repaired by the redelivery.
 */
@Controller()
export class LifecycleProjectionMessageController {
  constructor(
    private readonly projector: StateProjector,
    private readonly indexes: DirectoryIndexes,
  ) {}

  @EventPattern([...LifecycleEventTypes])
  async onLifecycleEvent(@Payload() envelope: CloudEvent, @Ctx() context: KafkaMessageContext): Promise<void> {
    const state = await this.projector.applyCustomerEvent(envelope, context.isReplay());
    await this.indexes.apply(indexWritesFor(envelope.type, envelope.data as { customerId: string }, state));
  }
}
