import type { DelegatedAdminSnapshot, RelationshipSnapshot } from '@mp/contracts';
import { DAY_MS } from '../clock';
import { CustomerState } from '../customer-state';

/** Both sides hear 30, 7 and 1 days before delegated admin privileges expire (DESIGN §8). */
export const REMINDER_DAYS_BEFORE = [30, 7, 1] as const;
export type ReminderDaysBefore = (typeof REMINDER_DAYS_BEFORE)[number];

/**
 * The type of the reminder's CloudEvent. NOT a Kafka message type: no topic carries it and the
 * contracts' catalog does not know it. It exists only as the payload of a notification (webhook
 * body, e-mail), and as the `eventType` of the NotificationDelivered / NotificationFailed that
 * report it. Its id is derived from what the reminder is about (see `reminderSeedOf`).
 */
export const EXPIRY_REMINDER_TYPE = 'DelegatedAdminExpiryReminder';

/** The `data` of a DelegatedAdminExpiryReminder CloudEvent. */
export interface DelegatedAdminExpiryReminder {
  customerId: string;
  resellerId: string;
  daysBefore: ReminderDaysBefore;
  /** The privileges as they stand, `expiresAt` included. */
  delegatedAdmin: DelegatedAdminSnapshot;
}

/** One reminder of one relationship's privileges: what it says, and when it is due. */
export interface ExpiryReminder extends DelegatedAdminExpiryReminder {
  /** The reseller's indirect provider, which hears of it too. */
  indirectProviderId?: string;
  /** When it is due: `delegatedAdmin.expiresAt` minus `daysBefore` days (ms since the epoch). */
  dueAt: number;
}

/**
 * Every reminder the customer's current privileges call for, whether past or future: for each
 * active relationship with active privileges that expire, one per `REMINDER_DAYS_BEFORE`, except
 * those already in the past when the privileges were granted (privileges granted for 20 days get
 * no "30 days left" reminder). An extension moves `expiresAt`, so it brings a new set.
 */
export function remindersOf(customer: CustomerState): ExpiryReminder[] {
  return Object.values(customer.relationships).flatMap((relationship) => remindersOfRelationship(customer.customerId, relationship));
}

function remindersOfRelationship(customerId: string, relationship: RelationshipSnapshot): ExpiryReminder[] {
  const privileges = relationship.delegatedAdmin;
  if (relationship.status !== 'active' || privileges.status !== 'active' || !privileges.expiresAt) return [];
  const expiresAt = Date.parse(privileges.expiresAt);
  if (Number.isNaN(expiresAt)) return [];
  const grantedAt = privileges.grantedAt ? Date.parse(privileges.grantedAt) : Number.NEGATIVE_INFINITY;
  return REMINDER_DAYS_BEFORE.map((daysBefore) => ({ daysBefore, dueAt: expiresAt - daysBefore * DAY_MS }))
    .filter(({ dueAt }) => dueAt > grantedAt)
    .map(({ daysBefore, dueAt }) => ({
      customerId,
      resellerId: relationship.resellerId,
      ...(relationship.indirectProviderId ? { indirectProviderId: relationship.indirectProviderId } : {}),
      daysBefore,
      delegatedAdmin: privileges,
      dueAt,
    }));
}

/**
 * The scheduler's `dueAt`: the earliest reminder time of the customer's current privileges, past
 * ones included, as the state cannot tell which were sent nor what time it is. The reminder
 * action moves the customer forward to `nextReminderAfter(now)` once it has sent what was due;
 * a later fold files it at this earliest time again, which costs one pass that sends nothing.
 */
export function nextReminderAt(customer: CustomerState): number | undefined {
  return earliest(remindersOf(customer).map((r) => r.dueAt));
}

/** The first reminder time strictly after `now`: where the customer waits once what is due was sent. */
export function nextReminderAfter(customer: CustomerState, now: Date): number | undefined {
  const at = now.getTime();
  return earliest(remindersOf(customer).map((r) => r.dueAt).filter((dueAt) => dueAt > at));
}

/**
 * The reminders to send at `now`: per relationship, the most recent one whose time has come, as
 * long as the privileges have not expired yet. Only the most recent: after a pause (the service
 * down over two reminder times) "7 days left" goes out, not a stale "30 days left" as well. It is
 * the same reminder, with the same id, at every pass until the next one is due: the delivery log
 * sends it once.
 */
export function dueReminders(customer: CustomerState, now: Date): ExpiryReminder[] {
  const at = now.getTime();
  const latest = new Map<string, ExpiryReminder>();
  for (const reminder of remindersOf(customer)) {
    if (reminder.dueAt > at || Date.parse(reminder.delegatedAdmin.expiresAt!) <= at) continue;
    const known = latest.get(reminder.resellerId);
    if (!known || reminder.dueAt > known.dueAt) latest.set(reminder.resellerId, reminder);
  }
  return [...latest.values()];
}

/**
 * What identifies a reminder, as the seed of its deterministic id: the same privileges (same
 * expiry) of the same relationship, the same number of days before. A redelivery, a re-run after
 * a crash or a pass that finds it again gives the very same id, hence the same notification ids.
 */
export function reminderSeedOf(reminder: Pick<ExpiryReminder, 'customerId' | 'resellerId' | 'daysBefore' | 'delegatedAdmin'>): string {
  return `${EXPIRY_REMINDER_TYPE}/${reminder.customerId}/${reminder.resellerId}/${reminder.delegatedAdmin.expiresAt}/${reminder.daysBefore}`;
}

/** The reminder's payload, without the scheduling fields. */
export function reminderDataOf(reminder: ExpiryReminder): DelegatedAdminExpiryReminder {
  const { customerId, resellerId, daysBefore, delegatedAdmin } = reminder;
  return { customerId, resellerId, daysBefore, delegatedAdmin };
}

function earliest(times: number[]): number | undefined {
  return times.length ? Math.min(...times) : undefined;
}
