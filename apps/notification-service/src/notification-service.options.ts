import type { ServiceOptions } from '@mp/platform';
import { NOTIFICATION_SERVICE } from './notification-service.module';

/** How the notification-service is run: by `main.ts`, and by the tests exactly the same way. */
export const notificationServiceOptions: ServiceOptions = { service: NOTIFICATION_SERVICE, portEnv: 'NOTIFICATION_PORT', defaultPort: 3003, requires: ['WEBHOOK_SECRET'] };
