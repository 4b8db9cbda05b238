import type { CloudEvent, NotificationChannel as ChannelName } from '@mp/contracts';
import type { RecipientRef } from '@mp/domain';
import type { AttemptResult, Contact } from '../channels/notification-channel';
import type { PlannedNotification } from '../notification-plan';
import type { NotificationSettings, RetryPolicy } from '../notification-settings';

/**
 * One notification in the delivery queue: what it tells, to whom, over which channel, and how
 * far it got. Everything an attempt needs but the party's current contact, read at each attempt.
 */
export interface QueuedNotification {
  notificationId: string;
  customerId: string;
  /** What is told: the consumed event, or a notification of the service's own making (a reminder). */
  event: CloudEvent;
  recipient: RecipientRef;
  channel: ChannelName;
  /** When it was filed (ISO 8601, by the injected clock); kept when the same event is filed again. */
  filedAt: string;
  /** Its party was not registered when it was filed: it is filed under the party's waiting list too. */
  awaitsParty: boolean;
  /** Until when it waits for its party's registration: filed + NOTIFICATION_PARTY_WAIT_HOURS. */
  partyDeadline: string;
  /** Attempts made so far, all failed. */
  attempts: number;
  /** The last failed attempt's error, for the logs and the operators reading the queue. */
  lastError?: string;
}

export function queuedNotificationOf(planned: PlannedNotification, event: CloudEvent, customerId: string, now: Date, partyWaitMs: number): QueuedNotification {
  return {
    notificationId: planned.notificationId,
    customerId,
    event,
    recipient: planned.recipient,
    channel: planned.channel,
    filedAt: now.toISOString(),
    awaitsParty: planned.awaitsParty,
    partyDeadline: new Date(now.getTime() + partyWaitMs).toISOString(),
    attempts: 0,
  };
}

/** When a freshly filed notification is first looked at: now, or at its deadline when it waits for its party (its registration brings it forward). */
export function firstDueAt(item: QueuedNotification): number {
  return item.awaitsParty ? Date.parse(item.partyDeadline) : Date.parse(item.filedAt);
}

/** What to do with a notification that has come due, given its party's contact as known now. */
export type NextStep =
  | { kind: 'attempt'; target: string; contact: Contact }
  | { kind: 'await-party'; until: number }
  | { kind: 'party-unknown' }
  | { kind: 'no-address' };

export function nextStep(item: QueuedNotification, contact: Contact | undefined, targetOf: (contact: Contact) => string | undefined, now: number): NextStep {
  if (!contact) {
    const deadline = Date.parse(item.partyDeadline);
    return now >= deadline ? { kind: 'party-unknown' } : { kind: 'await-party', until: deadline };
  }
  const target = targetOf(contact);
  return target ? { kind: 'attempt', target, contact } : { kind: 'no-address' };
}

/** After attempt number `attempt` (1-based): settled (delivered, or failed for good), or retried later. */
export type AfterAttempt = { kind: 'settled' } | { kind: 'retry'; at: number; inMs: number };

export function afterAttempt(attempt: number, result: AttemptResult, policy: RetryPolicy, now: number): AfterAttempt {
  // A failure with a reason of its own (a refused address, a redirect) is not mended by trying again.
  if (result.ok || result.reason || attempt >= policy.maxAttempts) return { kind: 'settled' };
  const inMs = backoffAfter(policy, attempt);
  return { kind: 'retry', at: now + inMs, inMs };
}

/** Exponential back-off: the wait after failed attempt n (1-based) is backoffMs * 2^(n-1). */
export function backoffAfter(policy: RetryPolicy, attempt: number): number {
  return policy.backoffMs * 2 ** (attempt - 1);
}

/**
 * How long a claim keeps a notification from the other workers: long enough for the slowest
 * attempt a channel allows, with room to spare. An instance that dies holding it only delays it:
 * once the lease has run out the notification is due again, and another worker takes it.
 */
export function leaseMsOf(settings: Pick<NotificationSettings, 'webhookTimeoutMs' | 'email'>): number {
  return 3 * Math.max(settings.webhookTimeoutMs, settings.email?.timeoutMs ?? 0) + 10_000;
}
