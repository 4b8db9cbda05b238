import { Cluster } from 'ioredis';
import { keyHolders, RedisClient } from './redis-client';

/**
 * Why Redis cannot serve the service now, or undefined when it can: not connected, not answering,
 * or for a cluster, a master that does not say `cluster_state:ok` (one is down, or a slot is not
 * served): the cluster then refuses commands (CLUSTERDOWN) while its client stays ready and PING
 * still answers.
 */
export async function redisUnavailable(redis: RedisClient): Promise<string | undefined> {
  // Not connected: say so at once rather than queue a command behind the reconnection.
  if (redis.status !== 'ready') return `Redis is not connected (${redis.status})`;
  if (!(redis instanceof Cluster)) {
    const answer = await redis.ping();
    return answer === 'PONG' ? undefined : `PING answered ${answer}`;
  }
  const states = await Promise.all(
    (await keyHolders(redis)).map(async (master) => {
      const info = await master.cluster('INFO').then(String, () => 'cluster_state:unreachable');
      return { address: `${master.options.host}:${master.options.port}`, state: /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown' };
    }),
  );
  const failing = states.filter(({ state }) => state !== 'ok');
  return failing.length ? `the Redis Cluster does not serve every slot: ${failing.map(({ address, state }) => `${address} cluster_state:${state}`).join(', ')}` : undefined;
}
