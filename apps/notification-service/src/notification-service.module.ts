import { Module } from '@nestjs/common';
import { Topics } from '@mp/contracts';
import { withoutRequestHistory, nextReminderAt } from '@mp/domain';
import { ServiceModule } from '@mp/platform';
import { DueScheduler, StateModule } from '@mp/state';
import { EmailChannel } from './channels/email.channel';
import { NOTIFICATION_CHANNELS, NotificationChannel } from './channels/notification-channel';
import { WebhookChannel } from './channels/webhook.channel';
import { DeliveryLog } from './delivery/delivery-log';
import { DeliveryQueue } from './delivery/delivery-queue';
import { DeliveryWorker } from './delivery/delivery-worker';
import { NotificationOutbox } from './delivery/notification-outbox';
import { NotificationParties } from './delivery/notification-parties';
import { PartyWaits } from './delivery/party-waits';
import { ExpiryReminders } from './expiry-reminders/expiry-reminders';
import { expiryRemindersAction } from './expiry-reminders/expiry-reminders.action';
import { NotificationLifecycleMessageController } from './notification-lifecycle.message.controller';
import { NotificationOutcomesMessageController } from './notification-outcomes.message.controller';
import { NotificationReferenceDataMessageController } from './notification-reference-data.message.controller';
import { NOTIFICATION_SETTINGS, NotificationSettings, notificationSettingsProvider } from './notification-settings';

export const NOTIFICATION_SERVICE = 'notification-service';

/** Webhooks always; e-mail too when `SMTP_URL` is set. */
const channelsProvider = {
  provide: NOTIFICATION_CHANNELS,
  useFactory: (settings: NotificationSettings): NotificationChannel[] => [
    new WebhookChannel({
      keys: settings.webhookKeys,
      timeoutMs: settings.webhookTimeoutMs,
      allowedHosts: settings.webhookAllowedHosts,
      maxResponseBytes: settings.webhookMaxResponseBytes,
    }),
    ...(settings.email ? [new EmailChannel(settings.email)] : []),
  ],
  inject: [NOTIFICATION_SETTINGS],
};

/**
 * Turns events into notifications for the parties (DESIGN §8): the consumer folds each event and
 * files who must hear of it in a delivery queue in Redis; a delivery worker sends them, signed
 * webhooks and e-mail, with retries off the consumer's path, a delivery log, and outcome events.
 * Reminders before privileges expire are filed the same way, fired by the scheduler.
 */
@Module({
  imports: [
    ServiceModule.forService(NOTIFICATION_SERVICE),
    StateModule.forService('notification', {
      // Both kinds of events are folded by handlers of its own: lifecycle events call for notifications, registrations release those waiting for them.
      foldLifecycleEvents: false,
      foldReferenceData: false,
      dueAt: nextReminderAt,
      // A lost state is rebuilt first (parties, and the delivery log from the outcome events); the events notified of are replayed after.
      heldWhileRebuilding: [Topics.requestEvents, Topics.relationshipEvents],
      kept: withoutRequestHistory,
    }),
  ],
  controllers: [NotificationLifecycleMessageController, NotificationReferenceDataMessageController, NotificationOutcomesMessageController],
  providers: [
    notificationSettingsProvider,
    channelsProvider,
    DeliveryLog,
    DeliveryQueue,
    NotificationParties,
    PartyWaits,
    DeliveryWorker,
    NotificationOutbox,
    ExpiryReminders,
    expiryRemindersAction,
    DueScheduler,
  ],
})
export class NotificationServiceModule {}
