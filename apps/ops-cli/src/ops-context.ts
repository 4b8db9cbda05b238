import { ConfigurationError, Environment, readEnvironment } from '@mp/config';
import { KafkaSettings, kafkaSettingsOf } from '@mp/messaging';
import { describeKafkaError, OperationError, operationsKafka } from '@mp/operations';
import { createRedisClient, RedisClient, redisSettingsOf } from '@mp/redis';
import type { Kafka } from 'kafkajs';
import { paintErr } from './output';

/**
 * What a command works with, made when first asked for: the checked environment (the same
 * variables as the services, `libs/config`), a quiet Kafka client for the same brokers and
 * namespace, and Redis. Closed by `run` when the command ends.
 */
export class OpsContext {
  private env?: Environment;
  private kafkaClient?: Kafka;
  private redisClient?: RedisClient;

  get environment(): Environment {
    this.env ??= readEnvironment(process.env);
    return this.env;
  }

  get settings(): KafkaSettings {
    return kafkaSettingsOf('mp-ops', this.environment);
  }

  get kafka(): Kafka {
    this.kafkaClient ??= operationsKafka(this.settings, 'mp-ops');
    return this.kafkaClient;
  }

  get keyPrefix(): string {
    return this.environment.REDIS_KEY_PREFIX;
  }

  /** Redis (one server or a cluster), connected: an unreachable Redis is refused at once, not retried. */
  async redis(): Promise<RedisClient> {
    if (!this.redisClient) {
      const client = createRedisClient(redisSettingsOf(this.environment), { failFast: true });
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch (error) {
        client.disconnect();
        throw new OperationError(`cannot reach Redis (REDIS_URL): ${(error as Error).message}`);
      }
      this.redisClient = client;
    }
    return this.redisClient;
  }

  close(): void {
    this.redisClient?.disconnect();
  }
}

/** The one line (and its details) an operator sees for a failure. */
export function failureLines(error: unknown, brokers: readonly string[]): string[] {
  if (error instanceof ConfigurationError) return error.problems.map((p) => `configuration: ${p}`);
  if (error instanceof OperationError) return [error.message, ...error.details.map((d) => `  ${d}`)];
  const kafka = describeKafkaError(error, brokers);
  if (kafka) return [kafka];
  return [error instanceof Error ? error.message : String(error)];
}

/**
 * Runs a command's action: its exit code is 0 when it returns (or what it returns), 1 when it
 * throws, with one clear line on standard error. The clients are closed either way.
 */
export function action<A extends unknown[]>(context: OpsContext, body: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = (await body(...args)) ?? 0;
    } catch (error) {
      let brokers: string[] = [];
      try {
        brokers = context.settings.brokers;
      } catch {
        brokers = [];
      }
      const [first, ...rest] = failureLines(error, brokers);
      process.stderr.write(`${paintErr('red', `ops: ${first}`)}\n${rest.map((line) => `${line}\n`).join('')}`);
      process.exitCode = 1;
    } finally {
      context.close();
    }
  };
}
