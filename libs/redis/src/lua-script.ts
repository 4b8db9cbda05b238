import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-client';

/**
 * A Lua script run by EVALSHA, so its text is sent once per Redis server (EVAL loads it when the
 * server answers NOSCRIPT: a new or restarted server, or a flushed script cache).
 *
 * Not `defineCommand`: ioredis copies a client's defined commands into each pipeline when it makes
 * it, so with automatic pipelining a command defined after a pipeline was opened (while the client
 * connects, or while an earlier pipeline is in flight) lands in a pipeline that does not know it,
 * and the process dies when that pipeline comes back (test/redis/lua-scripts.int-spec.ts). EVALSHA
 * and EVAL are ordinary commands: pipelined like the others, in the order they are called, and the
 * client's key prefix applies to their keys.
 */
export class LuaScript<Result = unknown> {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: RedisClient, keys: readonly string[], args: readonly (string | number)[] = []): Promise<Result> {
    try {
      return (await redis.evalsha(this.sha, keys.length, ...keys, ...args)) as Result;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await redis.eval(this.lua, keys.length, ...keys, ...args)) as Result;
    }
  }
}
