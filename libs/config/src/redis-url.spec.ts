import { readEnvironment } from './read-environment';
import { redisTargetOf } from './redis-url';
import { environmentForLogs, secretValuesOf } from './secrets';

describe('REDIS_URL', () => {
  it('names one server as ioredis reads it', () => {
    expect(redisTargetOf('rediss://:pw@redis.example:6380/2')).toEqual({ cluster: false, url: 'rediss://:pw@redis.example:6380/2' });
  });

  it('names a Redis Cluster by some of its nodes, with credentials and TLS', () => {
    expect(redisTargetOf('redis+cluster://127.0.0.1:7101,127.0.0.1:7102/')).toEqual({ cluster: true, nodes: [{ host: '127.0.0.1', port: 7101 }, { host: '127.0.0.1', port: 7102 }], tls: false });
    expect(redisTargetOf('rediss+cluster://svc:p%40ss@redis-0.example:6379,[::1]:7000')).toEqual({
      cluster: true,
      nodes: [{ host: 'redis-0.example', port: 6379 }, { host: '::1', port: 7000 }],
      username: 'svc',
      password: 'p@ss',
      tls: true,
    });
    expect(redisTargetOf('redis+cluster://:only-a-password@10.0.0.1:6379')).toMatchObject({ password: 'only-a-password' });
    expect(redisTargetOf('redis+cluster://10.0.0.1:6379')).not.toHaveProperty('username');
  });

  it.each(['redis+cluster://', 'redis+cluster://10.0.0.1', 'redis+cluster://10.0.0.1:6379/0', 'redis+cluster://10.0.0.1:6379,,10.0.0.2:6379', 'cluster://10.0.0.1:6379'])('refuses %s', (url) => {
    expect(() => redisTargetOf(url)).toThrow('REDIS_URL must be');
  });

  it("keeps a cluster URL's password out of the logs, as a server URL's", () => {
    const env = readEnvironment({ REDIS_URL: 'redis+cluster://svc:cluster-pa55@10.0.0.1:6379,10.0.0.2:6379' });
    expect(environmentForLogs(env).REDIS_URL).toBe('redis+cluster://svc:***@10.0.0.1:6379,10.0.0.2:6379');
    expect(secretValuesOf(env)).toContain('cluster-pa55');
  });
});
