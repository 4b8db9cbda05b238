import { ALL_TOPICS, TopicName } from '@mp/contracts';
import { KafkaSettings, physicalTopic } from '@mp/messaging';
import { Admin, Kafka, logLevel } from 'kafkajs';

/** What the operations need of a service's Kafka settings: where the topics and groups are. */
export type OperationsSettings = Pick<KafkaSettings, 'namespace'>;

/**
 * A failure an operator caused or can act on (an unknown topic, an unknown dead-letter id, a file
 * that does not validate): its message is the one line to show, nothing else is.
 */
export class OperationError extends Error {
  constructor(
    message: string,
    /** Further lines that explain it (validation errors), shown after the message. */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'OperationError';
  }
}

/**
 * A Kafka client for operations run by a person or a script: silent (what goes wrong is thrown,
 * and said once by the caller) and quick to give up on a broker that does not answer, rather than
 * retrying for half a minute as a service does.
 */
export function operationsKafka(settings: KafkaSettings, clientId = 'mp-ops'): Kafka {
  return new Kafka({
    clientId,
    brokers: settings.brokers,
    ssl: settings.ssl,
    sasl: settings.sasl,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { initialRetryTime: 250, retries: 4 },
  });
}

/** Runs `use` with a connected admin client, and disconnects it whatever happens. */
export async function withAdmin<T>(kafka: Kafka, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * The contract topic an operator means: its full name (`mp.request-events.v1`), or the same
 * without `mp.` and `.v1` (`request-events`). Anything else is refused with the list of topics.
 */
export function resolveTopic(name: string): TopicName {
  const given = name.trim();
  const found = ALL_TOPICS.find((t) => t === given || t === `mp.${given}.v1` || t === `mp.${given}` || t === `${given}.v1`);
  if (!found) throw new OperationError(`unknown topic "${name}"; the topics are ${ALL_TOPICS.join(', ')}`);
  return found;
}

/** The contract name of a physical topic of this namespace, or undefined when it is none of the contract's. */
export function contractTopicOf(settings: OperationsSettings, physical: string): TopicName | undefined {
  return ALL_TOPICS.find((t) => physicalTopic(settings, t) === physical);
}

/** The physical names of the contract topics that exist on the broker, by contract name. */
export async function existingTopics(admin: Admin, settings: OperationsSettings): Promise<Map<TopicName, string>> {
  const present = new Set(await admin.listTopics());
  return new Map(ALL_TOPICS.map((t) => [t, physicalTopic(settings, t)] as const).filter(([, physical]) => present.has(physical)));
}

/** Kafka's broker-side errors as kafkajs throws them: the one line an operator needs. */
export function describeKafkaError(error: unknown, brokers: readonly string[]): string | undefined {
  const chain: any[] = [];
  for (let cause: any = error, hops = 0; cause && hops < 5; cause = cause.cause ?? cause.originalError, hops++) chain.push(cause);
  const connection = chain.find((e) => e?.name === 'KafkaJSConnectionError' || e?.name === 'KafkaJSBrokerNotFound' || /ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Connection timeout/.test(String(e?.message)));
  if (connection) return `cannot reach Kafka at ${brokers.join(',')} (KAFKA_BROKERS): ${connection.message}`;
  const authentication = chain.find((e) => e?.name === 'KafkaJSSASLAuthenticationError' || e?.type === 'SASL_AUTHENTICATION_FAILED');
  if (authentication) return `Kafka at ${brokers.join(',')} refused the credentials (KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD): ${authentication.message}`;
  const refused = chain.flatMap((e) => [e, ...(Array.isArray(e?.errors) ? e.errors : [])]).find((e) => /_AUTHORIZATION_FAILED$/.test(String(e?.type)));
  if (refused) return `Kafka refused: not authorised (${refused.type}${refused.topic ? `, topic ${refused.topic}` : ''}): ${refused.message}; the principal is KAFKA_SASL_USERNAME, its ACLs: npm run ops -- acls`;
  if (chain.some((e) => e?.type === 'SECURITY_DISABLED')) return `Kafka at ${brokers.join(',')} has no authorizer (SECURITY_DISABLED): it keeps no ACLs, and lets every client do anything`;
  const unknownTopic = chain.find((e) => e?.type === 'UNKNOWN_TOPIC_OR_PARTITION');
  if (unknownTopic) return `Kafka: a topic does not exist (${unknownTopic.message}); the services create the topics when they start`;
  return undefined;
}
