import type { RedisClient } from './redis-client';

/**
 * When each aggregate next needs attention (a request to expire, privileges to end): one sorted
 * set, member = aggregate id, score = the time in ms. One key, so it also runs on Redis Cluster.
 */
export class DueIndex {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
  ) {}

  async set(id: string, dueAt: number | undefined): Promise<void> {
    if (dueAt === undefined) await this.redis.zrem(this.key, id);
    else await this.redis.zadd(this.key, dueAt, id);
  }

  /** The aggregates due at `now` or before, earliest first, with their due time. */
  async due(now: number, limit = 100): Promise<Array<{ id: string; dueAt: number }>> {
    const flat = await this.redis.zrangebyscore(this.key, '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit);
    const found: Array<{ id: string; dueAt: number }> = [];
    for (let i = 0; i < flat.length; i += 2) found.push({ id: flat[i], dueAt: Number(flat[i + 1]) });
    return found;
  }
}
