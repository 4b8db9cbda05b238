import { provideInfra } from './infra';

/** Runs once before the integration / e2e projects: workers inherit the env it sets. */
export default async function globalSetup(): Promise<void> {
  const infra = await provideInfra();
  process.env.KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.REDIS_URL = infra.redisUrl;
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  (globalThis as { __MP_INFRA__?: typeof infra }).__MP_INFRA__ = infra;
  console.log(`\n[test infra] Kafka ${infra.kafkaBrokers}, Redis ${infra.redisUrl} (${infra.how})`);
}
