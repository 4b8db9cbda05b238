import { Cluster } from 'ioredis';
import { spreadTags } from './hash-slot';
import type { RedisClient } from './redis-client';

/** 128 ranges of 128 slots: a master that serves 256 slots in a row holds a copy at least. */
const COPY_TAGS = spreadTags(128);

/**
 * A value kept in copies spread over the slots of a Redis Cluster (`<key>:{<tag>}`), so that every
 * master holds one: a master that loses its data loses its copies, and `intact` says so. A cluster
 * can lose one master and keep the others (restarted without persistence, no replica to take
 * over), a loss that one key, on one master, cannot tell. One server is lost whole or not at all:
 * there, there are no copies, and `intact` is always true.
 */
export class SpreadCopies {
  private readonly keys: string[];

  constructor(
    private readonly redis: RedisClient,
    key: string,
  ) {
    this.keys = redis instanceof Cluster ? COPY_TAGS.map((tag) => `${key}:{${tag}}`) : [];
  }

  /** Writes every copy: one command each, pipelined per master. */
  async write(value: string): Promise<void> {
    await Promise.all(this.keys.map((key) => this.redis.set(key, value)));
  }

  /** True when every copy holds `value`. */
  async intact(value: string): Promise<boolean> {
    const values = await Promise.all(this.keys.map((key) => this.redis.get(key)));
    return values.every((found) => found === value);
  }
}
