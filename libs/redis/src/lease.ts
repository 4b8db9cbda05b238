import type { RedisClient } from './redis-client';
import { LuaScript } from './lua-script';

/** Takes the lease when free, or renews it when it is ours; 1 when we hold it after the call. */
const HOLD_SCRIPT = new LuaScript<number>(`
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`);

/**
 * A lease in Redis: one key, held by one instance at a time, that expires unless its holder
 * renews it. What only one instance may do (fire timers) is done by the holder; when it dies,
 * another takes over once the lease has run out.
 */
export class Lease {
  constructor(
    private readonly redis: RedisClient,
    readonly key: string,
    readonly holder: string,
    readonly ttlMs: number,
  ) {}

  /** True when this instance holds the lease now (taken or renewed for another `ttlMs`). */
  async hold(): Promise<boolean> {
    return (await HOLD_SCRIPT.run(this.redis, [this.key], [this.holder, this.ttlMs])) === 1;
  }

  /** Gives the lease up if it is ours, so another instance need not wait for it to run out. */
  async release(): Promise<void> {
    await this.redis.eval(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`, 1, this.key, this.holder);
  }
}
