import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Cluster, Redis } from 'ioredis';
import { Environment, ENVIRONMENT } from '@mp/config';
import { createRedisClient, RedisClient } from './redis-client';
import { redisSettingsOf } from './redis-settings';

export const REDIS = Symbol('REDIS');

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * ioredis reconnects by itself; without a listener its errors go to stderr, unstructured, at every
 * attempt. Logged here once when the connection is lost and once when it is back. A cluster client
 * stays ready while one of its nodes is lost (the others answer CLUSTERDOWN meanwhile, unless a
 * replica takes over): each node is logged once when lost and once when a connection to it is ready again.
 */
function logConnection(redis: RedisClient): RedisClient {
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
  if (redis instanceof Cluster) {
    const lostNodes = new Set<string>();
    redis.on('node error', (error: Error, address: string) => {
      if (lostNodes.has(address)) return;
      lostNodes.add(address);
      log.warn(`Redis Cluster node ${address} unreachable: ${error.message}; reconnecting`);
    });
    redis.on('+node', (node: Redis) =>
      node.once('ready', () => {
        const address = `${node.options.host}:${node.options.port}`;
        if (lostNodes.delete(address)) log.log(`Redis Cluster node ${address} reachable again`);
      }),
    );
  }
  return redis;
}

/** One ioredis client per service (of one server or of a Redis Cluster, as `REDIS_URL` says), every key under `REDIS_KEY_PREFIX`. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [ENVIRONMENT],
      useFactory: (env: Environment) => {
        const settings = redisSettingsOf(env);
        return logConnection(createRedisClient(settings, { keyPrefix: settings.keyPrefix }));
      },
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}
