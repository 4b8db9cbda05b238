import type { MessageType } from '../catalog';

/** One line per message type for the AsyncAPI document (DESIGN §4, §5); the rules come from the classes. */
export const MessageSummaries: Record<MessageType, string> = {
  PartnerRegistered: 'A partner (direct reseller, indirect provider or indirect reseller) is registered, or its registration changed.',
  PartnerSuspended: 'A partner may no longer start relationships.',
  PartnerReinstated: 'A suspended partner may start relationships again.',
  PartnersLinked: 'An indirect reseller now works through an indirect provider.',
  PartnersUnlinked: 'An indirect reseller no longer works through an indirect provider.',

  CustomerRegistered: 'A customer (a tenant) is registered with its admins, or its registration changed.',
  CustomerAdminAdded: "A user became an admin of the customer: one who may consent.",
  CustomerAdminRemoved: 'A user is no longer an admin of the customer.',

  SubscriptionCreated: 'A subscription of the customer, with its Partner of Record.',
  SubscriptionCancelled: 'A subscription ended.',
  PartnerOfRecordChanged: "The only way a subscription's Partner of Record changes; multi-partner never sends it.",

  RequestRelationship: 'A reseller asks a customer for a relationship, optionally with delegated admin privileges. `requestId` is the idempotency key.',
  CancelRequest: 'The requesting reseller withdraws a pending request.',

  ApproveRequest: "A customer's admin approves a pending request, with or without the privileges asked.",
  DeclineRequest: "A customer's admin declines a pending request.",
  EndRelationship: 'The customer, the reseller or (for an indirect reseller) its provider ends a relationship.',
  RevokeDelegatedAdmin: "A customer's admin revokes a reseller's delegated admin privileges.",

  RelationshipRequested: 'A request passed intake and waits for the customer.',
  RequestRejected: 'A `RequestRelationship` or `CancelRequest` broke a rule: `reason` for machines, `message` for people.',
  RequestCancelled: 'The reseller withdrew its request.',
  RequestExpired: 'A request was left pending for `REQUEST_TTL_DAYS`.',

  RelationshipEstablished: 'An approved request started a relationship; carries its resulting state.',
  RelationshipUpdated: 'An approved request added services or privileges to an active relationship.',
  RequestDeclined: 'The customer declined the request.',
  ConsentRejected: 'An approve, decline, end or revoke broke a rule: `reason` for machines, `message` for people.',
  RelationshipEnded: 'A relationship ended (its privileges are revoked in the same step).',
  DelegatedAdminGranted: 'Delegated admin privileges are active, for the services and roles given.',
  DelegatedAdminRevoked: 'Privileges were revoked, by the customer or because the relationship ended.',
  DelegatedAdminExtended: 'Auto-extending privileges were extended before they expired.',
  DelegatedAdminExpired: 'Privileges reached their end.',

  NotificationDelivered: 'A notification reached its party (webhook or e-mail). `notificationId` is the idempotency key the receiver saw.',
  NotificationFailed: 'A notification was given up: every attempt failed, or its party never registered in time.',
};
