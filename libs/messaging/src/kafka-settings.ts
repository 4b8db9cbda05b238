import { Logger } from '@nestjs/common';
import { Kafka, KafkaConfig, logCreator, logLevel, SASLOptions } from 'kafkajs';

/** How a service reaches Kafka, read once from the environment (DESIGN §3). */
export interface KafkaSettings {
  brokers: string[];
  /** The service's name: the client id, the consumer group and the `source` of what it produces. */
  service: string;
  groupId: string;
  /**
   * Prepended to every topic and group name. Empty in production, where the contract's names are
   * used as they are; tests set one so that runs never see each other's messages.
   */
  namespace: string;
  partitions: number;
  replicationFactor: number;
  /** Attempts at a handler that throws before its message goes to the dead letters. */
  handlerAttempts: number;
  retryBackoffMs: number;
  /**
   * How long the group waits for a silent member before giving its partitions to the others: the
   * time a killed instance's partitions sit idle. Short, because heartbeats go on while a handler runs.
   */
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** A message value over this many bytes is a dead letter, refused before it is parsed (DESIGN §7). */
  maxMessageBytes: number;
  ssl: boolean;
  sasl?: SASLOptions;
}

type Env = Record<string, string | undefined>;

function intFrom(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

function saslFrom(env: Env): SASLOptions | undefined {
  const mechanism = env.KAFKA_SASL_MECHANISM;
  if (!mechanism) return undefined;
  const username = env.KAFKA_SASL_USERNAME ?? '';
  const password = env.KAFKA_SASL_PASSWORD ?? '';
  switch (mechanism.toLowerCase()) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
    default:
      throw new Error(`KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512, got "${mechanism}"`);
  }
}

/** The consumer's liveness settings, checked against each other: kafkajs needs three heartbeats per session. */
function livenessFrom(env: Env): Pick<KafkaSettings, 'sessionTimeoutMs' | 'heartbeatIntervalMs'> {
  const sessionTimeoutMs = intFrom(env, 'KAFKA_SESSION_TIMEOUT_MS', 8_000);
  const heartbeatIntervalMs = intFrom(env, 'KAFKA_HEARTBEAT_INTERVAL_MS', 1_000);
  if (sessionTimeoutMs < 1_000) throw new Error(`KAFKA_SESSION_TIMEOUT_MS must be at least 1000, got ${sessionTimeoutMs}`);
  if (heartbeatIntervalMs < 100 || heartbeatIntervalMs * 3 > sessionTimeoutMs) {
    throw new Error(`KAFKA_HEARTBEAT_INTERVAL_MS must be at least 100 and at most a third of KAFKA_SESSION_TIMEOUT_MS (${sessionTimeoutMs}), got ${heartbeatIntervalMs}`);
  }
  return { sessionTimeoutMs, heartbeatIntervalMs };
}

export function kafkaSettingsFromEnv(service: string, env: Env = process.env): KafkaSettings {
  const namespace = env.KAFKA_NAMESPACE ?? '';
  return {
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean),
    service,
    groupId: `${namespace}${env.KAFKA_GROUP_ID ?? service}`,
    namespace,
    partitions: intFrom(env, 'KAFKA_PARTITIONS', 6),
    replicationFactor: intFrom(env, 'KAFKA_REPLICATION_FACTOR', 1),
    handlerAttempts: Math.max(1, intFrom(env, 'KAFKA_HANDLER_ATTEMPTS', 5)),
    retryBackoffMs: intFrom(env, 'KAFKA_RETRY_BACKOFF_MS', 200),
    ...livenessFrom(env),
    maxMessageBytes: Math.max(1, intFrom(env, 'KAFKA_MAX_MESSAGE_BYTES', 1024 * 1024)),
    ssl: env.KAFKA_SSL === 'true',
    sasl: saslFrom(env),
  };
}

/** The physical topic for a contract topic name. */
export function physicalTopic(settings: Pick<KafkaSettings, 'namespace'>, topic: string): string {
  return `${settings.namespace}${topic}`;
}

export function createKafka(settings: KafkaSettings, clientSuffix = ''): Kafka {
  const config: KafkaConfig = {
    clientId: `${settings.service}${clientSuffix}`,
    brokers: settings.brokers,
    ssl: settings.ssl,
    sasl: settings.sasl,
    logLevel: logLevel.WARN,
    logCreator: toServiceLog,
    retry: { initialRetryTime: 200, retries: 8 },
  };
  return new Kafka(config);
}

/** kafkajs' own logs go to the service's logger (pino in the services), structured like the rest. */
const toServiceLog: logCreator = () => {
  const logger = new Logger('kafkajs');
  return ({ namespace, level, log }) => {
    const { message, timestamp: _timestamp, logger: _logger, ...fields } = log;
    const entry = { msg: `[${namespace}] ${message}`, ...fields };
    if (level === logLevel.ERROR) logger.error(entry);
    else if (level === logLevel.WARN) logger.warn(entry);
    else if (level === logLevel.INFO) logger.log(entry);
    else logger.debug(entry);
  };
};
