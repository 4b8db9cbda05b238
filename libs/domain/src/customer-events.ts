import type { MessageData, MessageType } from '@mp/contracts';

/** The message types that change a customer's state, all keyed by customer id. */
export const CustomerEventTypes = [
  'CustomerRegistered',
  'CustomerAdminAdded',
  'CustomerAdminRemoved',
  'SubscriptionCreated',
  'SubscriptionCancelled',
  'PartnerOfRecordChanged',
  'RelationshipRequested',
  'RequestRejected',
  'RequestCancelled',
  'RequestExpired',
  'RelationshipEstablished',
  'RelationshipUpdated',
  'RequestDeclined',
  'RelationshipEnded',
  'DelegatedAdminGranted',
  'DelegatedAdminRevoked',
  'DelegatedAdminExtended',
  'DelegatedAdminExpired',
] as const satisfies readonly MessageType[];

export type CustomerEventType = (typeof CustomerEventTypes)[number];

/** A customer-scoped event as the fold sees it: its type, data, and the envelope's id and time. */
export type CustomerEvent = {
  [T in CustomerEventType]: { id: string; time: string; type: T; data: MessageData<T> };
}[CustomerEventType];

export function isCustomerEventType(type: string): type is CustomerEventType {
  return (CustomerEventTypes as readonly string[]).includes(type);
}
