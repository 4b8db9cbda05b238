/** Every Kafka topic of the contract (DESIGN §4). Names are public: never rename. */
export const Topics = {
  partnerEvents: 'mp.partner-events.v1',
  customerEvents: 'mp.customer-events.v1',
  subscriptionEvents: 'mp.subscription-events.v1',
  requestCommands: 'mp.request-commands.v1',
  consentCommands: 'mp.consent-commands.v1',
  requestEvents: 'mp.request-events.v1',
  relationshipEvents: 'mp.relationship-events.v1',
  notificationEvents: 'mp.notification-events.v1',
  deadLetters: 'mp.dead-letters.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export const ALL_TOPICS: readonly TopicName[] = Object.values(Topics);
