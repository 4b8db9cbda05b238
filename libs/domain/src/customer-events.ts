import type { MessageData, MessageType } from '@mp/contracts';

/** Upstream reference data about a customer and its subscriptions. */
export const CustomerReferenceTypes = [
  'CustomerRegistered',
  'CustomerAdminAdded',
  'CustomerAdminRemoved',
  'SubscriptionCreated',
  'SubscriptionCancelled',
  'PartnerOfRecordChanged',
] as const satisfies readonly MessageType[];

/** What the request- and consent-service decide: a request's and a relationship's life. */
export const LifecycleEventTypes = [
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

/** The message types that change a customer's state, all keyed by customer id. */
export const CustomerEventTypes = [...CustomerReferenceTypes, ...LifecycleEventTypes] as const;

export type CustomerEventType = (typeof CustomerEventTypes)[number];

/** A customer-scoped event as the fold sees it: its type, data, and the envelope's id and time. */
export type CustomerEvent = {
  [T in CustomerEventType]: { id: string; time: string; type: T; data: MessageData<T> };
}[CustomerEventType];

export function isCustomerEventType(type: string): type is CustomerEventType {
  return (CustomerEventTypes as readonly string[]).includes(type);
}
