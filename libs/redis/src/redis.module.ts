import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { Environment, ENVIRONMENT } from '@mp/config';
import { redisSettingsOf } from './redis-settings';

export const REDIS = Symbol('REDIS');

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * ioredis reconnects by itself; without a listener its errors go to stderr, unstructured, at every
 * attempt. Logged here once when the connection is lost and once when it is back.
 */
function logConnection(redis: Redis): Redis {
  const log = new Logger('Redis');
  let lost = false;
  redis.on('error', (error: Error) => {
    if (lost) return;
    lost = true;
    log.warn(`Redis unreachable: ${error.message}; reconnecting`);
  });
  redis.on('ready', () => {
    if (!lost) return;
    lost = false;
    log.log('Redis reachable again');
  });
  return redis;
}

/** One ioredis client per service, every key under `REDIS_KEY_PREFIX`. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [ENVIRONMENT],
      useFactory: (env: Environment) => {
        const { url, keyPrefix } = redisSettingsOf(env);
        return logConnection(new Redis(url, { keyPrefix, maxRetriesPerRequest: 3, enableAutoPipelining: true }));
      },
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}
