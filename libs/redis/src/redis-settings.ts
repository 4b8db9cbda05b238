import { Environment, RawEnv, readEnvironment } from '@mp/config';

export interface RedisSettings {
  url: string;
  /** Prepended to every key (`REDIS_KEY_PREFIX`, default `mp:`); tests use their own. */
  keyPrefix: string;
}

export function redisSettingsOf(env: Environment): RedisSettings {
  return { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX };
}

/** The same, read from a raw environment (scripts that run no service). */
export function redisSettingsFromEnv(env: RawEnv = process.env): RedisSettings {
  return redisSettingsOf(readEnvironment(env));
}
