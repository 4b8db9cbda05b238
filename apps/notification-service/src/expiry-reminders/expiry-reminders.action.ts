import { DUE_WORK, DueWork } from '@mp/state';
import { ExpiryReminders } from './expiry-reminders';

/** What the scheduler does for a customer filed in the notification service's due index. */
export const expiryRemindersAction = {
  provide: DUE_WORK,
  inject: [ExpiryReminders],
  useFactory: (reminders: ExpiryReminders): DueWork => ({ run: (customerId) => reminders.remind(customerId) }),
};
