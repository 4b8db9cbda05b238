import { Module } from '@nestjs/common';
import { nextReminderAt } from '@mp/domain';
import { ServiceModule } from '@mp/platform';
import { DueScheduler, StateModule } from '@mp/state';
import { EmailChannel } from './channels/email.channel';
import { NOTIFICATION_CHANNELS, NotificationChannel } from './channels/notification-channel';
import { WebhookChannel } from './channels/webhook.channel';
import { DeliveryLog } from './delivery/delivery-log';
import { ExpiryReminders } from './expiry-reminders/expiry-reminders';
import { expiryRemindersAction } from './expiry-reminders/expiry-reminders.action';
import { NotificationDispatcher } from './notification-dispatcher';
import { NotificationLifecycleMessageController } from './notification-lifecycle.message.controller';
import { NOTIFICATION_SETTINGS, NotificationSettings, notificationSettingsProvider } from './notification-settings';

export const NOTIFICATION_SERVICE = 'notification-service';

/** Webhooks always; e-mail too when `SMTP_URL` is set. */
const channelsProvider = {
  provide: NOTIFICATION_CHANNELS,
  useFactory: (settings: NotificationSettings): NotificationChannel[] => [
    new WebhookChannel({ key: settings.webhookKey, timeoutMs: settings.webhookTimeoutMs }),
    ...(settings.email ? [new EmailChannel(settings.email)] : []),
  ],
  inject: [NOTIFICATION_SETTINGS],
};

/**
 * Turns events into notifications for the parties: signed webhooks and e-mail, retries, a
 * delivery log, and reminders before privileges expire, fired by the scheduler (DESIGN §8).
 */
@Module({
  imports: [ServiceModule.forService(NOTIFICATION_SERVICE), StateModule.forService('notification', { foldLifecycleEvents: false, dueAt: nextReminderAt })],
  controllers: [NotificationLifecycleMessageController],
  providers: [notificationSettingsProvider, channelsProvider, DeliveryLog, NotificationDispatcher, ExpiryReminders, expiryRemindersAction, DueScheduler],
})
export class NotificationServiceModule {}
