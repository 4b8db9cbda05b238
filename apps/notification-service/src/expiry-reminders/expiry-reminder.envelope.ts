import type { CloudEvent } from '@mp/contracts';
import { DelegatedAdminExpiryReminder, EXPIRY_REMINDER_TYPE, ExpiryReminder, reminderDataOf, reminderSeedOf } from '@mp/domain';
import { deriveId } from '@mp/messaging';

/**
 * The CloudEvent a reminder is told with (webhook body, e-mail). `DelegatedAdminExpiryReminder` is
 * NOT a Kafka message type: it is never published on a topic and the contracts' catalog does not
 * know it; it exists only as this notification payload, and as the `eventType` of the
 * NotificationDelivered / NotificationFailed that report it. Everything in it is derived from the
 * reminder, its id and time included, so a re-run sends the very same bytes under the same id.
 */
export function reminderEnvelopeOf(reminder: ExpiryReminder, source: string): CloudEvent<DelegatedAdminExpiryReminder> {
  return {
    specversion: '1.0',
    id: deriveId(reminderSeedOf(reminder)),
    type: EXPIRY_REMINDER_TYPE,
    source,
    // When the reminder fell due: expiresAt minus daysBefore days.
    time: new Date(reminder.dueAt).toISOString(),
    subject: reminder.customerId,
    datacontenttype: 'application/json',
    data: reminderDataOf(reminder),
  };
}
