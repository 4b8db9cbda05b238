/**
 * Kafka and Redis for the benchmarks: `KAFKA_BROKERS` / `REDIS_URL` (defaults 127.0.0.1:9092 and
 * redis://127.0.0.1:6379). A Kafka that does not answer is started with the project's broker
 * script, and stopped at the end only if the bench started it (as test/support/infra.ts does).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { kafkaAnswers } from '../test/support/infra';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');

export interface BenchInfra {
  kafkaBrokers: string;
  redisUrl: string;
  startedKafka: boolean;
  stop(): Promise<void>;
}


async function redisAnswers(url: string): Promise<string | undefined> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const info = await redis.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

export async function provideBenchInfra(env = process.env): Promise<BenchInfra & { redisVersion: string }> {
  const kafkaBrokers = env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';

  const redisVersion = await redisAnswers(redisUrl);
  if (!redisVersion) throw new Error(`Redis does not answer at ${redisUrl}: start one (redis-server) or set REDIS_URL.`);

  const alreadyUp = await kafkaAnswers(kafkaBrokers);
  if (!alreadyUp) {
    console.log(`Kafka does not answer at ${kafkaBrokers}: starting it with scripts/kafka-broker.sh (not counted in the bench time)...`);
    await run('bash', [join(ROOT, 'scripts', 'kafka-broker.sh'), 'start'], { env: { ...env, KAFKA_BROKERS: kafkaBrokers }, timeout: 300_000 });
  }
  return {
    kafkaBrokers,
    redisUrl,
    redisVersion,
    startedKafka: !alreadyUp,
    async stop() {
      if (!alreadyUp) await run('bash', [join(ROOT, 'scripts', 'kafka-broker.sh'), 'stop'], { env: { ...env, KAFKA_BROKERS: kafkaBrokers }, timeout: 60_000 });
    },
  };
}
