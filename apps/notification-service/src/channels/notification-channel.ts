import type { CloudEvent, NotificationChannel as ChannelName, NotificationFailureReason } from '@mp/contracts';
import type { CustomerState, PartnerState, RecipientRef } from '@mp/domain';

/** Where a party can be reached, as its profile (customer or partner) says. */
export interface Contact {
  webhookUrl?: string;
  /** The party's own Standard Webhooks secret(s), `whsec_...`, two space-separated during a rotation. */
  webhookSecret?: string;
  email?: string;
}

/** What a channel writing for people (e-mail) needs to name the parties: the states the dispatcher read. */
export interface NotificationContext {
  /** The customer's state, the event folded in. */
  customer: CustomerState;
  /** The partners the event involves (recipients, the reseller, its provider), by id. */
  partners: ReadonlyMap<string, PartnerState>;
}

/** One event told to one recipient over one channel. */
export interface Notification {
  /** Stable across retries and redeliveries: the receiver's idempotency key. */
  notificationId: string;
  event: CloudEvent;
  recipient: RecipientRef;
  /** The channel's address of the recipient (a webhook URL, an e-mail address). */
  target: string;
  /** The recipient's contact as known at this attempt (its own webhook secret, if any). */
  contact?: Contact;
  context?: NotificationContext;
}

/**
 * What one attempt came to. A failure is a value, never a throw. A failure with a `reason` is one
 * no retry can mend (a refused address, a redirect): the notification fails at once with it.
 */
export type AttemptResult = { ok: true; statusCode?: number } | { ok: false; statusCode?: number; error: string; reason?: NotificationFailureReason };

/**
 * A way of reaching a party (webhook, e-mail). A channel makes one attempt; retries,
 * the delivery log and the outcome events are the dispatcher's, the same for every channel.
 */
export interface NotificationChannel {
  readonly name: ChannelName;
  /** The recipient's address on this channel, or undefined when it has none (then it gets nothing). */
  targetOf(contact: Contact): string | undefined;
  attempt(notification: Notification): Promise<AttemptResult>;
  /** Releases what the channel holds (connections), at shutdown. */
  close?(): void;
}

/** The channels the service delivers over, in order: a multi-channel recipient gets one notification each. */
export const NOTIFICATION_CHANNELS = Symbol('NOTIFICATION_CHANNELS');
