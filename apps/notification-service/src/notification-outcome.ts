import type { CloudEvent, NotificationDelivered, NotificationFailed } from '@mp/contracts';
import { deriveId, type OutgoingMessage } from '@mp/messaging';
import type { AttemptResult } from './channels/notification-channel';
import type { DeliveryRecord } from './delivery/delivery-log';
import type { QueuedNotification } from './delivery/delivery-rules';

/** The delivery log's record of the attempt that settled a notification: delivered, the last of its attempts failed, or one failed for a reason no retry mends. */
export function recordOfAttempt(result: AttemptResult, attempts: number, target: string, at: Date): DeliveryRecord {
  const common = { attempts, at: at.toISOString(), target, ...(result.statusCode !== undefined ? { statusCode: result.statusCode } : {}) };
  return result.ok ? { status: 'delivered', ...common } : { status: 'failed', ...common, reason: result.reason ?? 'ATTEMPTS_EXHAUSTED', error: plainErrorText(result.error) };
}

const ERROR_TEXT_MAX = 500;

/**
 * What a remote server said (an SMTP reply, a socket error) as the outcome's `error`: control
 * characters become spaces and it is cut to a bounded length, so a hostile server cannot turn the
 * outcome event into a dead letter at its readers (this service's own delivery log among them).
 */
export function plainErrorText(text: string): string {
  const plain = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim() || 'delivery failed';
  return plain.length > ERROR_TEXT_MAX ? `${plain.slice(0, ERROR_TEXT_MAX - 1)}…` : plain;
}

/** The delivery log's record of a notification whose party never registered in time: nothing was attempted. */
export function recordOfUnknownParty(item: Pick<QueuedNotification, 'recipient' | 'filedAt'>, at: Date): DeliveryRecord {
  const { party, partyId } = item.recipient;
  return { status: 'failed', attempts: 0, at: at.toISOString(), reason: 'PARTY_UNKNOWN', error: `${party} ${partyId} is not registered: no registration arrived since ${item.filedAt}` };
}

/** The delivery log's record of a notification filed for a channel this instance does not have (e-mail turned off since). */
export function recordOfMissingChannel(item: Pick<QueuedNotification, 'channel' | 'attempts'>, at: Date): DeliveryRecord {
  return { status: 'failed', attempts: item.attempts, at: at.toISOString(), reason: 'ATTEMPTS_EXHAUSTED', error: `the ${item.channel} channel is not configured` };
}

/**
 * The outcome event of one notification, built from its record alone, so that re-emitting it
 * after a crash gives the very same data.
 */
export function outcomeOf(
  event: { id: string; type: string; customerId: string },
  notification: Pick<QueuedNotification, 'notificationId' | 'recipient' | 'channel'>,
  record: DeliveryRecord,
): OutgoingMessage<'NotificationDelivered' | 'NotificationFailed'> {
  const common = {
    notificationId: notification.notificationId,
    eventId: event.id,
    eventType: event.type,
    customerId: event.customerId,
    recipient: { party: notification.recipient.party, partyId: notification.recipient.partyId },
    channel: notification.channel,
    attempts: record.attempts,
  };
  if (record.status === 'delivered') {
    const data: NotificationDelivered = { ...common, target: record.target!, deliveredAt: record.at, ...(record.statusCode !== undefined ? { statusCode: record.statusCode } : {}) };
    return { type: 'NotificationDelivered', data };
  }
  const data: NotificationFailed = {
    ...common,
    ...(record.target !== undefined ? { target: record.target } : {}),
    failedAt: record.at,
    reason: record.reason ?? 'ATTEMPTS_EXHAUSTED',
    error: record.error ?? 'delivery failed',
  };
  return { type: 'NotificationFailed', data };
}

/**
 * The outcome as a CloudEvent: its id derived from the notification's (one outcome per
 * notification, the same id on every re-emission), caused by the event told, in its correlation,
 * stamped with the record's time. Re-emitted after a crash, it is the same message byte for byte.
 */
export function outcomeEnvelopeOf(source: string, item: Pick<QueuedNotification, 'notificationId' | 'customerId' | 'event' | 'recipient' | 'channel'>, record: DeliveryRecord): CloudEvent {
  const { type, data } = outcomeOf({ id: item.event.id, type: item.event.type, customerId: item.customerId }, item, record);
  return {
    specversion: '1.0',
    id: deriveId(`${item.notificationId}/${type}`),
    type,
    source,
    time: record.at,
    subject: item.customerId,
    datacontenttype: 'application/json',
    correlationid: item.event.correlationid ?? item.event.id,
    causationid: item.event.id,
    data,
  };
}
