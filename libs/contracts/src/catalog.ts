import { TopicName, Topics } from './topics';
import * as Consent from './messages/consent-commands';
import * as Customer from './messages/customer-events';
import * as Notification from './messages/notification-events';
import * as Partner from './messages/partner-events';
import * as RelationshipEvents from './messages/relationship-events';
import * as RequestCommands from './messages/request-commands';
import * as RequestEvents from './messages/request-events';
import * as Subscription from './messages/subscription-events';

type DataClass = new () => object;

export interface MessageSpec<C extends DataClass = DataClass> {
  topic: TopicName;
  /** The class whose class-validator rules the `data` must pass. */
  dataClass: C;
  /**
   * Commands are strict: an unknown field is refused, so a typo never passes silently.
   * Events are read tolerantly, so their producers can add fields.
   */
  strict: boolean;
  /** The Kafka key: the customer id for customer-scoped topics, else the partner id. */
  keyOf: (data: InstanceType<C>) => string;
}

const byCustomer = (data: { customerId: string }) => data.customerId;
const byPartner = (data: { partnerId: string }) => data.partnerId;
const byIndirectReseller = (data: { indirectResellerId: string }) => data.indirectResellerId;

function spec<C extends DataClass>(
  topic: TopicName,
  dataClass: C,
  keyOf: (data: InstanceType<C>) => string,
  strict = false,
): MessageSpec<C> {
  return { topic, dataClass, keyOf, strict };
}

/** Every message type of DESIGN §4: its topic, its rules and its key. The one source of truth. */
export const MessageCatalog = {
  PartnerRegistered: spec(Topics.partnerEvents, Partner.PartnerRegistered, byPartner),
  PartnerSuspended: spec(Topics.partnerEvents, Partner.PartnerSuspended, byPartner),
  PartnerReinstated: spec(Topics.partnerEvents, Partner.PartnerReinstated, byPartner),
  PartnersLinked: spec(Topics.partnerEvents, Partner.PartnersLinked, byIndirectReseller),
  PartnersUnlinked: spec(Topics.partnerEvents, Partner.PartnersUnlinked, byIndirectReseller),

  CustomerRegistered: spec(Topics.customerEvents, Customer.CustomerRegistered, byCustomer),
  CustomerAdminAdded: spec(Topics.customerEvents, Customer.CustomerAdminAdded, byCustomer),
  CustomerAdminRemoved: spec(Topics.customerEvents, Customer.CustomerAdminRemoved, byCustomer),

  SubscriptionCreated: spec(Topics.subscriptionEvents, Subscription.SubscriptionCreated, byCustomer),
  SubscriptionCancelled: spec(Topics.subscriptionEvents, Subscription.SubscriptionCancelled, byCustomer),
  PartnerOfRecordChanged: spec(Topics.subscriptionEvents, Subscription.PartnerOfRecordChanged, byCustomer),

  RequestRelationship: spec(Topics.requestCommands, RequestCommands.RequestRelationship, byCustomer, true),
  CancelRequest: spec(Topics.requestCommands, RequestCommands.CancelRequest, byCustomer, true),

  ApproveRequest: spec(Topics.consentCommands, Consent.ApproveRequest, byCustomer, true),
  DeclineRequest: spec(Topics.consentCommands, Consent.DeclineRequest, byCustomer, true),
  EndRelationship: spec(Topics.consentCommands, Consent.EndRelationship, byCustomer, true),
  RevokeDelegatedAdmin: spec(Topics.consentCommands, Consent.RevokeDelegatedAdmin, byCustomer, true),

  RelationshipRequested: spec(Topics.requestEvents, RequestEvents.RelationshipRequested, byCustomer),
  RequestRejected: spec(Topics.requestEvents, RequestEvents.RequestRejected, byCustomer),
  RequestCancelled: spec(Topics.requestEvents, RequestEvents.RequestCancelled, byCustomer),
  RequestExpired: spec(Topics.requestEvents, RequestEvents.RequestExpired, byCustomer),

  RelationshipEstablished: spec(Topics.relationshipEvents, RelationshipEvents.RelationshipEstablished, byCustomer),
  RelationshipUpdated: spec(Topics.relationshipEvents, RelationshipEvents.RelationshipUpdated, byCustomer),
  RequestDeclined: spec(Topics.relationshipEvents, RelationshipEvents.RequestDeclined, byCustomer),
  ConsentRejected: spec(Topics.relationshipEvents, RelationshipEvents.ConsentRejected, byCustomer),
  RelationshipEnded: spec(Topics.relationshipEvents, RelationshipEvents.RelationshipEnded, byCustomer),
  DelegatedAdminGranted: spec(Topics.relationshipEvents, RelationshipEvents.DelegatedAdminGranted, byCustomer),
  DelegatedAdminRevoked: spec(Topics.relationshipEvents, RelationshipEvents.DelegatedAdminRevoked, byCustomer),
  DelegatedAdminExtended: spec(Topics.relationshipEvents, RelationshipEvents.DelegatedAdminExtended, byCustomer),
  DelegatedAdminExpired: spec(Topics.relationshipEvents, RelationshipEvents.DelegatedAdminExpired, byCustomer),

  NotificationDelivered: spec(Topics.notificationEvents, Notification.NotificationDelivered, byCustomer),
  NotificationFailed: spec(Topics.notificationEvents, Notification.NotificationFailed, byCustomer),
} as const;

export type MessageType = keyof typeof MessageCatalog;
export type MessageData<T extends MessageType> = InstanceType<(typeof MessageCatalog)[T]['dataClass']>;

/** A message with its type, for code that handles several types of one topic. */
export type TypedMessage = { [T in MessageType]: { type: T; data: MessageData<T> } }[MessageType];

export function isMessageType(type: string): type is MessageType {
  return Object.prototype.hasOwnProperty.call(MessageCatalog, type);
}

export function specOf(type: MessageType): MessageSpec {
  return MessageCatalog[type] as unknown as MessageSpec;
}

export function typesOfTopic(topic: TopicName): MessageType[] {
  return (Object.keys(MessageCatalog) as MessageType[]).filter((type) => MessageCatalog[type].topic === topic);
}
