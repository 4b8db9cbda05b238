import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { provideRedisCluster } from './redis-cluster';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/** Where the integration and end-to-end tests find Kafka and Redis, and how to stop what they started. */
export interface Infra {
  kafkaBrokers: string;
  redisUrl: string;
  how: 'given' | 'testcontainers' | 'local-broker';
  stop(): Promise<void>;
}

function dockerAnswers(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

export async function kafkaAnswers(brokers: string): Promise<boolean> {
  try {
    await run('node', [join(ROOT, 'scripts', 'kafka-ping.mjs'), brokers], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * `KAFKA_BROKERS` / `REDIS_URL` when given; else testcontainers when a Docker engine answers;
 * else the project's broker script (Java + Maven) and the local Redis. With
 * `TEST_REDIS_CLUSTER=true` (`npm run test:e2e:cluster`) Redis is a Redis Cluster: the one
 * `REDIS_URL` names, or three nodes started on 127.0.0.1 (`scripts/redis-cluster.sh`).
 */
export async function provideInfra(env = process.env): Promise<Infra> {
  if (env.TEST_REDIS_CLUSTER === 'true') {
    const cluster = await provideRedisCluster({ env });
    const infra = await provideInfra({ ...env, TEST_REDIS_CLUSTER: undefined, REDIS_URL: cluster.url });
    return {
      ...infra,
      stop: async () => {
        await infra.stop();
        await cluster.stop();
      },
    };
  }
  const givenKafka = env.KAFKA_BROKERS;
  const givenRedis = env.REDIS_URL;
  if (givenKafka && givenRedis) return { kafkaBrokers: givenKafka, redisUrl: givenRedis, how: 'given', stop: async () => {} };

  if (!givenKafka && dockerAnswers()) {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const { RedisContainer } = await import('@testcontainers/redis');
    const kafka = await new KafkaContainer('confluentinc/cp-kafka:7.9.1').withKraft().withEnvironment({ KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' }).start();
    const redis = givenRedis ? undefined : await new RedisContainer('redis:7-alpine').start();
    return {
      kafkaBrokers: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
      redisUrl: givenRedis ?? redis!.getConnectionUrl(),
      how: 'testcontainers',
      stop: async () => {
        await kafka.stop();
        await redis?.stop();
      },
    };
  }

  const kafkaBrokers = givenKafka ?? '127.0.0.1:9092';
  const alreadyUp = await kafkaAnswers(kafkaBrokers);
  if (!alreadyUp) await run('bash', [join(ROOT, 'scripts', 'kafka-broker.sh'), 'start'], { env: { ...env, KAFKA_BROKERS: kafkaBrokers }, timeout: 180_000 });
  return {
    kafkaBrokers,
    redisUrl: givenRedis ?? 'redis://127.0.0.1:6379',
    how: 'local-broker',
    stop: async () => {
      if (!alreadyUp) await run('bash', [join(ROOT, 'scripts', 'kafka-broker.sh'), 'stop'], { timeout: 60_000 });
    },
  };
}
