export interface RedisSettings {
  url: string;
  /** Prepended to every key (`REDIS_KEY_PREFIX`, default `mp:`); tests use their own. */
  keyPrefix: string;
}

export function redisSettingsFromEnv(env: Record<string, string | undefined> = process.env): RedisSettings {
  return { url: env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: env.REDIS_KEY_PREFIX ?? 'mp:' };
}
