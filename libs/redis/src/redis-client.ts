import { Cluster, Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { RedisSettings } from './redis-settings';

/**
 * A client of one Redis server or of a Redis Cluster: the services use only what both have, and
 * every key a command, script or pipeline touches carries one hash tag (see `AggregateStore`).
 */
export type RedisClient = Redis | Cluster;

export interface RedisClientOptions {
  /** Every key under it (the services: `REDIS_KEY_PREFIX`); none for tools that name whole keys. */
  keyPrefix?: string;
  /**
   * For a command-line tool or a test's tidying up: connected by `connect()`, which fails at once
   * when Redis does not answer (3 s), never reconnecting; each command is tried once more at most.
   * Otherwise (the services) it connects at once, reconnects for ever, retries each command 3 times
   * and pipelines what is sent in one tick automatically.
   */
  failFast?: boolean;
}

/**
 * The one place a Redis client is made (the services, the ops CLI, the tests): the client of one
 * server or of a cluster, as `REDIS_URL` says (`libs/config`, `redisTargetOf`).
 */
export function createRedisClient({ target }: RedisSettings, { keyPrefix, failFast = false }: RedisClientOptions = {}): RedisClient {
  const perCommand: RedisOptions = failFast ? { maxRetriesPerRequest: 1, connectTimeout: 3_000 } : { maxRetriesPerRequest: 3 };
  const shared = { keyPrefix, lazyConnect: failFast, enableAutoPipelining: !failFast };
  if (!target.cluster) return new Redis(target.url, { ...perCommand, ...shared, ...(failFast ? { retryStrategy: () => null } : {}) });
  const { nodes, username, password, tls } = target;
  return new Cluster(nodes, {
    ...shared,
    // How long the slot map may take to come (ioredis: 1 s); on a busy machine it took longer, and every command waiting for it failed.
    slotsRefreshTimeout: 5_000,
    // The key prefix is the cluster's, applied before a key's slot is computed: not the nodes'.
    redisOptions: { ...perCommand, username, password, ...(tls ? { tls: {} } : {}) },
    ...(failFast ? { clusterRetryStrategy: () => null } : {}),
  });
}

/**
 * The servers that hold the keys: the client's one server, or every master of the cluster. What
 * sees only the keys of the server it is sent to (`KEYS`, `SCAN`, `DBSIZE`, a script that finds
 * its keys itself) is sent to each; a cluster's slots are learnt first, when it connects.
 */
export async function keyHolders(redis: RedisClient): Promise<Redis[]> {
  if (redis instanceof Redis) return [redis];
  if (redis.status !== 'ready') await redis.ping();
  return redis.nodes('master');
}
