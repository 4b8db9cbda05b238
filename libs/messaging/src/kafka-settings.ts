import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Logger } from '@nestjs/common';
import { Environment, RawEnv, readEnvironment } from '@mp/config';
import { Topics } from '@mp/contracts';
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
  /** Messages of one batch handled at once, in key lanes (`inKeyLanes`): one key's stay in order. */
  concurrency: number;
  /**
   * How long the group waits for a silent member before giving its partitions to the others: the
   * time a killed instance's partitions sit idle. Short, because heartbeats go on while a handler runs.
   */
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** A message value over this many bytes is a dead letter, refused before it is parsed (DESIGN §7). */
  maxMessageBytes: number;
  /** TLS to the brokers: off, or Node's options (the CAs of `KAFKA_SSL_CA_FILE`, whether to check the certificate). */
  ssl: false | ConnectionOptions;
  sasl?: SASLOptions;
}

/** TLS as `KAFKA_SSL`, `KAFKA_SSL_CA_FILE` and `KAFKA_SSL_REJECT_UNAUTHORIZED` say (the file was checked readable at start). */
export function tlsOf(env: Pick<Environment, 'KAFKA_SSL' | 'KAFKA_SSL_CA_FILE' | 'KAFKA_SSL_REJECT_UNAUTHORIZED'>): false | ConnectionOptions {
  if (!env.KAFKA_SSL) return false;
  return { rejectUnauthorized: env.KAFKA_SSL_REJECT_UNAUTHORIZED, ...(env.KAFKA_SSL_CA_FILE ? { ca: [readFileSync(env.KAFKA_SSL_CA_FILE, 'utf8')] } : {}) };
}

/** SASL as `KAFKA_SASL_MECHANISM`, `KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD` say; off when no mechanism is set. */
export function saslOf(env: Pick<Environment, 'KAFKA_SASL_MECHANISM' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD'>): SASLOptions | undefined {
  if (!env.KAFKA_SASL_MECHANISM) return undefined;
  return { mechanism: env.KAFKA_SASL_MECHANISM, username: env.KAFKA_SASL_USERNAME!, password: env.KAFKA_SASL_PASSWORD! } as SASLOptions;
}

/** A service's Kafka settings, from the checked environment (`@mp/config`). */
export function kafkaSettingsOf(service: string, env: Environment): KafkaSettings {
  const namespace = env.KAFKA_NAMESPACE;
  return {
    brokers: env.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean),
    service,
    groupId: `${namespace}${env.KAFKA_GROUP_ID ?? service}`,
    namespace,
    partitions: env.KAFKA_PARTITIONS,
    replicationFactor: env.KAFKA_REPLICATION_FACTOR,
    handlerAttempts: env.KAFKA_HANDLER_ATTEMPTS,
    retryBackoffMs: env.KAFKA_RETRY_BACKOFF_MS,
    concurrency: env.KAFKA_CONCURRENCY,
    sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: env.KAFKA_HEARTBEAT_INTERVAL_MS,
    maxMessageBytes: env.KAFKA_MAX_MESSAGE_BYTES,
    ssl: tlsOf(env),
    sasl: saslOf(env),
  };
}

/** The same, read from a raw environment (tests, scripts and benchmarks that run no service). */
export function kafkaSettingsFromEnv(service: string, env: RawEnv = process.env): KafkaSettings {
  return kafkaSettingsOf(service, readEnvironment(env));
}

/** The contract topic name of a physical topic (a metric label): `other` when it is none of the contract's. */
export function contractTopic(settings: Pick<KafkaSettings, 'namespace'>, physical: string): string {
  const name = physical.startsWith(settings.namespace) ? physical.slice(settings.namespace.length) : physical;
  return (Object.values(Topics) as string[]).includes(name) ? name : 'other';
}

/** The physical topic for a contract topic name. */
export function physicalTopic(settings: Pick<KafkaSettings, 'namespace'>, topic: string): string {
  return `${settings.namespace}${topic}`;
}

/** A client of the service's brokers; `overrides` for a client that must answer quickly (the health check's). */
export function createKafka(settings: KafkaSettings, clientSuffix = '', overrides: Partial<KafkaConfig> = {}): Kafka {
  const config: KafkaConfig = {
    clientId: `${settings.service}${clientSuffix}`,
    brokers: settings.brokers,
    ssl: settings.ssl,
    sasl: settings.sasl,
    logLevel: logLevel.WARN,
    logCreator: toServiceLog,
    retry: { initialRetryTime: 200, retries: 8 },
    ...overrides,
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
