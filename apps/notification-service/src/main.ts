import 'reflect-metadata';
import { runService } from '@mp/platform';
import { NotificationServiceModule } from './notification-service.module';
import { notificationServiceOptions } from './notification-service.options';

void runService(NotificationServiceModule, notificationServiceOptions);
