import type { NotificationChannel as ChannelName } from '@mp/contracts';
import { CustomerState, PartnerState, RecipientRef } from '@mp/domain';
import { deriveId } from '@mp/messaging';
import type { Contact, NotificationChannel } from './channels/notification-channel';

/** One notification an event calls for: to whom, over which channel. */
export interface PlannedNotification {
  notificationId: string;
  recipient: RecipientRef;
  channel: ChannelName;
  /**
   * The recipient is not registered here yet (its registration not folded yet, or never sent):
   * the notification waits for it, on every channel, as which ones it has is not known yet.
   */
  awaitsParty: boolean;
}

/** The same event to the same recipient over the same channel always has the same id. */
export function notificationIdOf(eventId: string, recipient: RecipientRef, channel: ChannelName): string {
  return deriveId(`${eventId}/${recipient.party}/${recipient.partyId}/${channel}`);
}

/**
 * Whose registration a recipient's contact comes from: the customer's, or a partner's (a
 * reseller or an indirect provider, both registered by PartnerRegistered).
 */
export type PartyKey = `customer:${string}` | `partner:${string}`;

export const customerParty = (customerId: string): PartyKey => `customer:${customerId}`;
export const partnerParty = (partnerId: string): PartyKey => `partner:${partnerId}`;

export function partyKeyOf(recipient: RecipientRef): PartyKey {
  return recipient.party === 'customer' ? customerParty(recipient.partyId) : partnerParty(recipient.partyId);
}

/** The partners among the recipients, whose contacts live in the partner states. */
export function partnerIdsOf(recipients: RecipientRef[]): string[] {
  return [...new Set(recipients.filter((r) => r.party !== 'customer').map((r) => r.partyId))];
}

/**
 * The partners an event names, whether they hear of it or not (the reseller of a new request is
 * not told of it, but the customer's e-mail names it): the reseller and its indirect provider.
 */
export function involvedPartnerIdsOf(data: unknown, customer: CustomerState): string[] {
  const d = (data ?? {}) as { resellerId?: unknown; indirectProviderId?: unknown; requestId?: unknown; relationship?: { indirectProviderId?: unknown } };
  const resellerId = typeof d.resellerId === 'string' ? d.resellerId : undefined;
  const requestId = typeof d.requestId === 'string' ? d.requestId : undefined;
  const candidates = [
    resellerId,
    d.indirectProviderId,
    d.relationship?.indirectProviderId,
    requestId ? customer.requests[requestId]?.indirectProviderId : undefined,
    resellerId ? customer.relationships[resellerId]?.indirectProviderId : undefined,
  ];
  return [...new Set(candidates.filter((id): id is string => typeof id === 'string' && id !== ''))];
}

/** A recipient's contact: the customer's profile, or the partner's (a reseller or a provider); undefined while unregistered. */
export function contactOf(recipient: RecipientRef, customer: CustomerState, partners: ReadonlyMap<string, PartnerState>): Contact | undefined {
  if (recipient.party === 'customer') return recipient.partyId === customer.customerId ? customer.profile : undefined;
  return partners.get(recipient.partyId)?.profile;
}

/**
 * Every recipient over every channel, in a stable order (recipients first, then channels), once
 * each. A registered recipient without an address on a channel gets nothing on it (that is its
 * choice, not a loss); an unregistered one gets a notification on every channel that waits for it.
 */
export function planNotifications(
  eventId: string,
  recipients: RecipientRef[],
  contactOfRecipient: (recipient: RecipientRef) => Contact | undefined,
  channels: ReadonlyArray<Pick<NotificationChannel, 'name' | 'targetOf'>>,
): PlannedNotification[] {
  const planned = new Map<string, PlannedNotification>();
  for (const recipient of recipients) {
    const contact = contactOfRecipient(recipient);
    for (const channel of channels) {
      const notificationId = notificationIdOf(eventId, recipient, channel.name);
      if (planned.has(notificationId) || (contact && !channel.targetOf(contact))) continue;
      planned.set(notificationId, { notificationId, recipient: { party: recipient.party, partyId: recipient.partyId }, channel: channel.name, awaitsParty: !contact });
    }
  }
  return [...planned.values()];
}
