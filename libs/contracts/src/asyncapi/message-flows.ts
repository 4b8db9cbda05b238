import { MessageType, typesOfTopic } from '../catalog';
import { TopicName, Topics } from '../topics';

/**
 * Who writes and who reads each topic (DESIGN §2, §4): the AsyncAPI document's operations. The
 * services' lists are checked against their `@EventPattern` handlers by a unit test of the
 * directory (apps/directory-service/src/asyncapi), so this table cannot drift from the code.
 */
export interface Participant {
  /** Starts the ids of its operations (`requestServiceReceivesRequestCommands`). */
  id: string;
  /** As people and logs call it: the service's name, which is also its consumer group. */
  name: string;
  description: string;
  /** The consumer group it reads in, by default (`KAFKA_GROUP_ID` may say otherwise; `KAFKA_NAMESPACE` prefixes it). */
  groupId?: string;
  /** The message types it writes. */
  sends: readonly MessageType[];
  /** The message types it handles; a consumer reads the whole of each topic they are on. */
  receives: readonly MessageType[];
  /** Every consumer writes what it cannot handle to the dead-letter topic; ops read it. */
  deadLetters?: 'sends' | 'receives';
}

const of = (...topics: TopicName[]): MessageType[] => topics.flatMap((topic) => typesOfTopic(topic));
const except = (types: MessageType[], ...left: MessageType[]): MessageType[] => types.filter((type) => !left.includes(type));

/** Reference data every service folds into its own copy of customers and partners. */
const referenceData = of(Topics.partnerEvents, Topics.customerEvents, Topics.subscriptionEvents);
/** The lifecycle of requests and relationships, folded by every service (a refused consent changes no state). */
const lifecycle = except(of(Topics.requestEvents, Topics.relationshipEvents), 'ConsentRejected');

export const Participants: readonly Participant[] = [
  {
    id: 'upstream',
    name: 'upstream systems',
    description: 'Partner portals, customer admin portals, identity and billing systems: they publish reference data and commands, and read the answers.',
    sends: of(Topics.partnerEvents, Topics.customerEvents, Topics.subscriptionEvents, Topics.requestCommands, Topics.consentCommands),
    receives: of(Topics.requestEvents, Topics.relationshipEvents, Topics.notificationEvents),
  },
  {
    id: 'requestService',
    name: 'request-service',
    description: 'Owns relationship requests: checks `RequestRelationship` and `CancelRequest` against the intake rules, expires stale requests.',
    groupId: 'request-service',
    sends: of(Topics.requestEvents),
    receives: [...of(Topics.requestCommands), ...referenceData, ...lifecycle],
    deadLetters: 'sends',
  },
  {
    id: 'consentService',
    name: 'consent-service',
    description: "Owns relationships and delegated admin privileges: the customer's approve, decline, end and revoke decisions, privilege expiry and extension.",
    groupId: 'consent-service',
    sends: of(Topics.relationshipEvents),
    receives: [...of(Topics.consentCommands), ...referenceData, ...lifecycle, 'ConsentRejected'],
    deadLetters: 'sends',
  },
  {
    id: 'notificationService',
    name: 'notification-service',
    description: 'Tells the parties what happened (signed webhooks, e-mail), and reports each notification it settled; its own outcome events are its delivery log.',
    groupId: 'notification-service',
    sends: of(Topics.notificationEvents),
    receives: [...referenceData, ...lifecycle, ...of(Topics.notificationEvents)],
    deadLetters: 'sends',
  },
  {
    id: 'directoryService',
    name: 'directory-service',
    description: 'The read side: projects the events into Redis read models and answers the queries over HTTP.',
    groupId: 'directory-service',
    sends: [],
    receives: [...referenceData, ...lifecycle],
    deadLetters: 'sends',
  },
  {
    id: 'ops',
    name: 'ops',
    description: 'Operators watching the dead letters (the ops CLI, `npm run ops -- dlq ...`).',
    sends: [],
    receives: [],
    deadLetters: 'receives',
  },
];
