import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
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

/** One ioredis client per service, every key under `REDIS_KEY_PREFIX`. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [ENVIRONMENT],
      useFactory: (env: Environment) => {
        const { url, keyPrefix } = redisSettingsOf(env);
        return new Redis(url, { keyPrefix, maxRetriesPerRequest: 3, enableAutoPipelining: true });
      },
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}
