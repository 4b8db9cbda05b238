import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { CloudEvent, NotificationDelivered, NotificationFailed } from '@mp/contracts';
import { DeliveryLog } from './delivery/delivery-log';

type Outcome = CloudEvent<NotificationDelivered | NotificationFailed> & { type: 'NotificationDelivered' | 'NotificationFailed' };

/**
 * The service's own outcome events, read back as the delivery log's changelog: each settles its
 * notification in the log (a no-op when the log has it already). When Redis is lost, the log is
 * rebuilt from them before the events notified of are replayed (they are held back meanwhile),
 * so nothing delivered is sent again and nothing unsettled is skipped (DESIGN §7).
 */
@Controller()
export class NotificationOutcomesMessageController {
  constructor(private readonly deliveries: DeliveryLog) {}

  @EventPattern(['NotificationDelivered', 'NotificationFailed'])
  async onOutcome(@Payload() { data: { customerId, notificationId } }: Outcome): Promise<void> {
    await this.deliveries.markPublished(customerId, [notificationId]);
  }
}
