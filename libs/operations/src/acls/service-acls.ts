import { ALL_TOPICS, MessageCatalog, MessageType, Participant, Participants, TopicName, Topics } from '@mp/contracts';
import { physicalTopic } from '@mp/messaging';
import { AclEntry, AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, ResourcePatternTypes } from 'kafkajs';
import { OperationError, OperationsSettings, withAdmin } from '../operations-kafka';
import { SERVICE_GROUPS } from '../lag/consumer-lag';

/** The operations a service is granted on a resource, as Kafka names them. */
export type AclOperation = 'READ' | 'WRITE' | 'CREATE' | 'DESCRIBE';

/** One ACL: allow `principal` `operation` on a resource, from any host. */
export interface ServiceAcl {
  /** The service it is for (`request-service`). */
  service: string;
  /** Kafka's principal: `User:<service>` unless the operator names another. */
  principal: string;
  resourceType: 'TOPIC' | 'GROUP';
  /** LITERAL for one name, PREFIXED for every name that begins with it. */
  patternType: 'LITERAL' | 'PREFIXED';
  /** As on the broker: the contract name after the namespace (`KAFKA_NAMESPACE`). */
  resourceName: string;
  operation: AclOperation;
  /** Why the service needs it, in words. */
  why: string;
}

/**
 * The directory also serves the operators' reads (GET /v1/ops/lag and /v1/ops/dead-letters, the
 * console's operations panel, apps/directory-service/src/operations): it reads what the `ops`
 * participant reads, the dead letters, in consumer groups of its own, and describes the services' groups.
 */
const SERVES_OPERATORS = 'directory-service';
/** The consumer groups the operations' readers (libs/operations/src/reading) join: one per read, after this prefix. */
const OPERATIONS_READER_GROUPS = 'mp-ops.';

/** The services: the participants of the AsyncAPI document that consume in a group of their own. */
export function servicesWithAcls(): Participant[] {
  return Participants.filter((p) => p.groupId !== undefined);
}

/** Commands are the strict types of the catalog (an unknown field is refused); events are read tolerantly. */
const isCommand = (type: MessageType): boolean => MessageCatalog[type].strict;
const topicsOf = (types: readonly MessageType[]): TopicName[] => [...new Set(types.map((type) => MessageCatalog[type].topic))];

/**
 * The ACLs each service's principal needs (DESIGN §10), derived from the contract: who sends and
 * who receives each message type (`Participants`, the AsyncAPI document's operations, held to the
 * services' handlers by a unit test) and the catalog's topic of each type.
 *
 * - a topic it reads: READ and DESCRIBE; a topic it writes: WRITE and DESCRIBE. Every consumer
 *   writes the dead letters. A service takes the commands it handles over HTTP too (DESIGN §10:
 *   request- and consent-service) and publishes them on their topic: WRITE on the topic of each
 *   command type it receives. An idempotent producer needs nothing more (WRITE on a topic implies
 *   IDEMPOTENT_WRITE since Kafka 2.8); no service uses transactions.
 * - its consumer group: READ (which implies DESCRIBE: the rebuild reads the group's offsets).
 * - every contract topic: DESCRIBE and CREATE, because every service creates the missing contract
 *   topics at start (TopicProvisioner), so whichever starts first leaves the cluster ready. With
 *   `createTopics: false` CREATE is left out: the topics must then exist before the services start.
 *
 * Topics and groups are named as on the broker, after `KAFKA_NAMESPACE`, with LITERAL patterns;
 * the operations' reader groups of the directory are one PREFIXED pattern.
 */
export function serviceAcls(
  settings: OperationsSettings,
  { principals = {}, services, createTopics = true }: { principals?: Readonly<Record<string, string>>; services?: readonly string[]; createTopics?: boolean } = {},
): ServiceAcl[] {
  const known = servicesWithAcls().map((p) => p.name);
  for (const name of [...(services ?? []), ...Object.keys(principals)]) {
    if (!known.includes(name)) throw new OperationError(`unknown service "${name}"; the services are ${known.join(', ')}`);
  }
  const acls: ServiceAcl[] = [];
  for (const participant of servicesWithAcls().filter((p) => !services || services.includes(p.name))) {
    const service = participant.name;
    const principal = principals[service] ?? `User:${service}`;
    const grant = (resourceType: ServiceAcl['resourceType'], patternType: ServiceAcl['patternType'], resourceName: string, operations: AclOperation[], why: string) => {
      for (const operation of operations) {
        if (!acls.some((a) => a.principal === principal && a.resourceType === resourceType && a.patternType === patternType && a.resourceName === resourceName && a.operation === operation)) {
          acls.push({ service, principal, resourceType, patternType, resourceName, operation, why });
        }
      }
    };
    const topic = (name: TopicName) => physicalTopic(settings, name);
    const reads = topicsOf(participant.receives);
    const writes = topicsOf([...participant.sends, ...participant.receives.filter(isCommand)]);
    if (participant.deadLetters === 'sends') writes.push(Topics.deadLetters);
    for (const t of reads) grant('TOPIC', 'LITERAL', topic(t), ['READ', 'DESCRIBE'], 'reads it');
    for (const t of writes) grant('TOPIC', 'LITERAL', topic(t), ['WRITE', 'DESCRIBE'], t === Topics.deadLetters ? 'dead-letters to it' : 'writes it');
    grant('GROUP', 'LITERAL', `${settings.namespace}${participant.groupId}`, ['READ'], 'its consumer group');
    if (service === SERVES_OPERATORS) {
      grant('TOPIC', 'LITERAL', topic(Topics.deadLetters), ['READ', 'DESCRIBE'], '/v1/ops reads');
      grant('GROUP', 'PREFIXED', `${settings.namespace}${OPERATIONS_READER_GROUPS}`, ['READ'], '/v1/ops reads');
      for (const group of SERVICE_GROUPS) grant('GROUP', 'LITERAL', `${settings.namespace}${group}`, ['DESCRIBE'], '/v1/ops/lag');
    }
    for (const t of ALL_TOPICS) grant('TOPIC', 'LITERAL', topic(t), createTopics ? ['DESCRIBE', 'CREATE'] : ['DESCRIBE'], createTopics ? 'creates it if missing' : 'sees it');
  }
  return acls;
}

const RESOURCE: Record<ServiceAcl['resourceType'], AclResourceTypes> = { TOPIC: AclResourceTypes.TOPIC, GROUP: AclResourceTypes.GROUP };
const PATTERN: Record<ServiceAcl['patternType'], ResourcePatternTypes> = { LITERAL: ResourcePatternTypes.LITERAL, PREFIXED: ResourcePatternTypes.PREFIXED };

/** The ACL as the admin client writes it. */
export function toAclEntry(acl: ServiceAcl): AclEntry {
  return {
    resourceType: RESOURCE[acl.resourceType],
    resourceName: acl.resourceName,
    resourcePatternType: PATTERN[acl.patternType],
    principal: acl.principal,
    host: '*',
    operation: AclOperationTypes[acl.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

/**
 * Writes the ACLs (the super user's work: a principal with ALTER on the cluster). Creating an ACL
 * that exists already changes nothing, so applying twice is harmless; nothing is ever deleted.
 */
export async function applyServiceAcls(kafka: Kafka, acls: readonly ServiceAcl[]): Promise<void> {
  if (acls.length === 0) return;
  await withAdmin(kafka, (admin) => admin.createAcls({ acl: acls.map(toAclEntry) }));
}
