import { Environment, RawEnv, readEnvironment, RedisTarget, redisTargetOf } from '@mp/config';

export interface RedisSettings {
  /** `REDIS_URL` as written. */
  url: string;
  /** What it names: one server, or a Redis Cluster by some of its nodes. */
  target: RedisTarget;
  /** Prepended to every key (`REDIS_KEY_PREFIX`, default `mp:`); tests use their own. */
  keyPrefix: string;
}

export function redisSettingsOf(env: Pick<Environment, 'REDIS_URL' | 'REDIS_KEY_PREFIX'>): RedisSettings {
  return { url: env.REDIS_URL, target: redisTargetOf(env.REDIS_URL), keyPrefix: env.REDIS_KEY_PREFIX };
}

/** The same, read from a raw environment (scripts that run no service). */
export function redisSettingsFromEnv(env: RawEnv = process.env): RedisSettings {
  return redisSettingsOf(readEnvironment(env));
}
