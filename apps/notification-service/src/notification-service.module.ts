import { Module } from '@nestjs/common';
import { ServiceModule } from '@mp/platform';
import { StateModule } from '@mp/state';
import { NOTIFICATION_CHANNELS, NotificationChannel } from './channels/notification-channel';
import { WebhookChannel } from './channels/webhook.channel';
import { DeliveryLog } from './delivery/delivery-log';
import { NotificationDispatcher } from './notification-dispatcher';
import { NotificationLifecycleMessageController } from './notification-lifecycle.message.controller';
import { NOTIFICATION_SETTINGS, NotificationSettings, notificationSettingsProvider } from './notification-settings';

export const NOTIFICATION_SERVICE = 'notification-service';

const channelsProvider = {
  provide: NOTIFICATION_CHANNELS,
  useFactory: (settings: NotificationSettings): NotificationChannel[] => [new WebhookChannel({ key: settings.webhookKey, timeoutMs: settings.webhookTimeoutMs })],
  inject: [NOTIFICATION_SETTINGS],
};

/** Turns events into notifications for the parties: signed webhooks, retries, a delivery log (DESIGN §8). */
@Module({
  imports: [ServiceModule.forService(NOTIFICATION_SERVICE), StateModule.forService('notification', { foldLifecycleEvents: false })],
  controllers: [NotificationLifecycleMessageController],
  providers: [notificationSettingsProvider, channelsProvider, DeliveryLog, NotificationDispatcher],
})
export class NotificationServiceModule {}
