import type { NotificationDelivered, NotificationFailed } from '@mp/contracts';
import type { OutgoingMessage } from '@mp/messaging';
import type { DeliveryRecord } from './delivery/delivery-log';
import type { DeliveryResult } from './delivery/retries';
import type { PlannedNotification } from './notification-plan';

/** The delivery log's record of a final result. */
export function recordOf(result: DeliveryResult, target: string, at: Date): DeliveryRecord {
  const common = { attempts: result.attempts, at: at.toISOString(), target, ...(result.statusCode !== undefined ? { statusCode: result.statusCode } : {}) };
  return result.ok ? { status: 'delivered', ...common } : { status: 'failed', ...common, error: result.error };
}

/**
 * The outcome event of one notification, built from its record alone, so that re-emitting it
 * after a crash gives the very same data.
 */
export function outcomeOf(
  event: { id: string; type: string; customerId: string },
  notification: Pick<PlannedNotification, 'notificationId' | 'recipient' | 'channel'>,
  record: DeliveryRecord,
): OutgoingMessage<'NotificationDelivered' | 'NotificationFailed'> {
  const common = {
    notificationId: notification.notificationId,
    eventId: event.id,
    eventType: event.type,
    customerId: event.customerId,
    recipient: { party: notification.recipient.party, partyId: notification.recipient.partyId },
    channel: notification.channel,
    target: record.target,
    attempts: record.attempts,
  };
  if (record.status === 'delivered') {
    const data: NotificationDelivered = { ...common, deliveredAt: record.at, ...(record.statusCode !== undefined ? { statusCode: record.statusCode } : {}) };
    return { type: 'NotificationDelivered', data };
  }
  const data: NotificationFailed = { ...common, failedAt: record.at, error: record.error ?? 'delivery failed' };
  return { type: 'NotificationFailed', data };
}
