import { LuaScript } from './lua-script';
import { keyHolders, RedisClient } from './redis-client';

/**
 * Deletes every key of the server it runs on that matches ARGV[1], in one step. One UNLINK a key:
 * a cluster node refuses a command whose keys lie in two slots, and one script is one step
 * however many commands it makes.
 */
const DELETE_MATCHING_SCRIPT = new LuaScript<number>(`
local keys = redis.call('KEYS', ARGV[1])
for i = 1, #keys do redis.call('UNLINK', keys[i]) end
return #keys
`);

/**
 * Deletes every key matching `pattern` (a glob over whole keys: name the key prefix, and escape it
 * with `escapeGlob`) as a loss of Redis would: on one server in one script, so that nobody sees
 * some keys gone and others still there. On a Redis Cluster the same script runs on each master,
 * all sent at once: each master's keys go in one step, the masters a moment apart. Returns how
 * many keys were deleted.
 */
export async function deleteKeysMatching(redis: RedisClient, pattern: string): Promise<number> {
  const counts = await Promise.all((await keyHolders(redis)).map((server) => DELETE_MATCHING_SCRIPT.run(server, [], [pattern])));
  return counts.reduce((sum, count) => sum + Number(count), 0);
}

/** How many keys match `pattern`, on every server (SCAN: one round trip per thousand keys, never blocking Redis). */
export async function countKeysMatching(redis: RedisClient, pattern: string): Promise<number> {
  let count = 0;
  for (const server of await keyHolders(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      count += keys.length;
      cursor = next;
    } while (cursor !== '0');
  }
  return count;
}

/** `text` as a glob that matches it literally (a key prefix may hold `*`, `?`, `[`). */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
