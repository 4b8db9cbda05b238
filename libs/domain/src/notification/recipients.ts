import type { Party } from '@mp/contracts';
import { CustomerEvent } from '../customer-events';
import { CustomerState } from '../customer-state';
import type { ExpiryReminder } from './reminders';

export interface RecipientRef {
  party: Party;
  partyId: string;
}

/**
 * Who hears of an event (DESIGN §8): the customer's admins hear of a new request and of every
 * change to their resellers; the reseller, and its indirect provider when indirect, hears of
 * what happens to its request and relationship. Reference data and subscriptions notify nobody.
 */
export function recipientsOf(event: CustomerEvent, customer: CustomerState): RecipientRef[] {
  const customerRef: RecipientRef = { party: 'customer', partyId: event.data.customerId };
  switch (event.type) {
    case 'RelationshipRequested':
      return [customerRef];
    case 'RequestDeclined':
      // Complete in itself: a decline may be read before its request, which comes on another topic.
      return [customerRef, ...resellerSide(event.data.resellerId, event.data.indirectProviderId ?? providerOf(customer, event.data.resellerId, event.data.requestId))];
    case 'RequestCancelled':
    case 'RequestExpired':
      return [customerRef, ...resellerSide(event.data.resellerId, providerOf(customer, event.data.resellerId, event.data.requestId))];
    case 'RelationshipEstablished':
    case 'RelationshipUpdated':
    case 'RelationshipEnded':
      return [customerRef, ...resellerSide(event.data.resellerId, event.data.relationship.indirectProviderId)];
    case 'DelegatedAdminGranted':
    case 'DelegatedAdminRevoked':
    case 'DelegatedAdminExtended':
    case 'DelegatedAdminExpired':
      return [customerRef, ...resellerSide(event.data.resellerId, customer.relationships[event.data.resellerId]?.indirectProviderId)];
    default:
      return [];
  }
}

/** Both sides hear of privileges about to expire: the customer, the reseller and its indirect provider. */
export function reminderRecipientsOf(reminder: Pick<ExpiryReminder, 'customerId' | 'resellerId' | 'indirectProviderId'>): RecipientRef[] {
  return [{ party: 'customer', partyId: reminder.customerId }, ...resellerSide(reminder.resellerId, reminder.indirectProviderId)];
}

function resellerSide(resellerId: string, providerId: string | undefined): RecipientRef[] {
  const reseller: RecipientRef = { party: 'reseller', partyId: resellerId };
  return providerId ? [reseller, { party: 'provider', partyId: providerId }] : [reseller];
}

function providerOf(customer: CustomerState, resellerId: string, requestId: string): string | undefined {
  return customer.requests[requestId]?.indirectProviderId ?? customer.relationships[resellerId]?.indirectProviderId;
}
