import { randomBytes } from 'node:crypto';

import { createRedisClient, deleteKeysMatching, escapeGlob, redisSettingsOf } from '@mp/redis';
import { Kafka, logLevel } from 'kafkajs';

/**
 * Gives one test file its own world: a Kafka namespace (its own topics and consumer groups) and a
 * Redis key prefix, so two runs, or a run beside `npm start`, never see each other's data.
 * Call before creating any service; `cleanup()` deletes the topics and keys afterwards.
 */
export function isolateTestRun(label: string) {
  const run = `${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const namespace = `test.${run}.`;
  const keyPrefix = `test:${run}:`;
  process.env.KAFKA_NAMESPACE = namespace;
  process.env.REDIS_KEY_PREFIX = keyPrefix;
  process.env.KAFKA_PARTITIONS ??= '3';
  process.env.SCHEDULER_INTERVAL_MS ??= '200';
  // A command naming what is not folded yet waits this long (DESIGN §7): short, so refusals come soon.
  process.env.COMMAND_WAIT_SECONDS ??= '2';
  process.env.LOG_LEVEL ??= 'warn';
  // The tests' webhook receivers listen on 127.0.0.1: allow-listed, as `npm start` does (DESIGN §10).
  process.env.WEBHOOK_ALLOWED_HOSTS ??= '127.0.0.1,localhost';
  process.env.WEBHOOK_SECRET ??= `whsec_${Buffer.from('multipartner-test-secret').toString('base64')}`;
  // The services check bearer tokens (DESIGN §10); test/support/tokens.ts mints them with this.
  process.env.AUTH_JWT_SECRET ??= 'multipartner-test-jwt-secret-of-32-characters-or-more';
  return {
    run,
    namespace,
    keyPrefix,
    /** A fresh id readable in logs: `cust-<run>-<n>`. */
    id: (kind: string) => `${kind}-${randomBytes(4).toString('hex')}`,
    /** Best effort: a failure to tidy up must not fail the tests that ran. */
    async cleanup(): Promise<void> {
      await Promise.all([this.deleteTopics(), this.deleteKeys()]).catch((error) => console.warn(`test cleanup: ${error}`));
    },
    async deleteTopics(): Promise<void> {
      const kafka = new Kafka({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      try {
        const ours = (await admin.listTopics()).filter((t) => t.startsWith(namespace));
        if (ours.length) await admin.deleteTopics({ topics: ours });
      } finally {
        await admin.disconnect();
      }
    },
    async deleteKeys(): Promise<void> {
      const redis = createRedisClient(redisSettingsOf({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: keyPrefix }), { failFast: true });
      try {
        // At once, in one script, as a restart of Redis or a FLUSHDB would lose them: the services
        // never see some keys gone and others still there (see README, Guarantees). On a cluster,
        // one script per master, sent together.
        await deleteKeysMatching(redis, `${escapeGlob(keyPrefix)}*`);
      } finally {
        redis.disconnect();
      }
    },
  };
}

