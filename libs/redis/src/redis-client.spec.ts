import { Cluster, Redis } from 'ioredis';
import { escapeGlob } from './key-sweep';
import { createRedisClient } from './redis-client';
import { redisSettingsOf } from './redis-settings';

const settings = (url: string) => redisSettingsOf({ REDIS_URL: url, REDIS_KEY_PREFIX: 'mp:' });

// failFast clients connect only when asked: nothing here reaches a server.
describe('the Redis client, as REDIS_URL says', () => {
  it('is a client of one server for redis:// and rediss://', () => {
    const client = createRedisClient(settings('redis://:pw@127.0.0.1:6390/2'), { keyPrefix: 'mp:', failFast: true });
    expect(client).toBeInstanceOf(Redis);
    expect((client as Redis).options).toMatchObject({ host: '127.0.0.1', port: 6390, db: 2, password: 'pw', keyPrefix: 'mp:', lazyConnect: true, maxRetriesPerRequest: 1 });
  });

  it('is a cluster client for redis+cluster://, its key prefix applied by the cluster and not by its nodes', () => {
    const client = createRedisClient(settings('rediss+cluster://svc:pw@10.0.0.1:6379,10.0.0.2:6380'), { keyPrefix: 'mp:', failFast: true });
    expect(client).toBeInstanceOf(Cluster);
    const cluster = client as Cluster;
    expect(cluster.options).toMatchObject({ keyPrefix: 'mp:', lazyConnect: true, slotsRefreshTimeout: 5_000 });
    expect(cluster.options.redisOptions).toMatchObject({ username: 'svc', password: 'pw', tls: {}, maxRetriesPerRequest: 1 });
    expect(cluster.options.redisOptions).not.toHaveProperty('keyPrefix');
    expect(cluster.options.clusterRetryStrategy?.(1)).toBeNull();
  });
});

describe('a key prefix as a glob', () => {
  it('matches the prefix literally', () => {
    expect(escapeGlob('test:a*b?[c]\\:')).toBe('test:a\\*b\\?\\[c\\]\\\\:');
  });
});
