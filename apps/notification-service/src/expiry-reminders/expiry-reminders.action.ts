import { DUE_ACTION, DueAction } from '@mp/state';
import { ExpiryReminders } from './expiry-reminders';

/** What the scheduler does for a customer filed in the notification service's due index. */
export const expiryRemindersAction = {
  provide: DUE_ACTION,
  inject: [ExpiryReminders],
  useFactory:
    (reminders: ExpiryReminders): DueAction =>
    (customerId) =>
      reminders.remind(customerId),
};
