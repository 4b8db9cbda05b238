import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
// Relative: Jest's global setup loads this file without the path aliases.
import { redisTargetOf } from '../../libs/config/src/redis-url';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'redis-cluster.sh');

export interface TestRedisCluster {
  /** `redis+cluster://127.0.0.1:7101,...`: what `REDIS_URL` is set to for the services. */
  url: string;
  /** Stops the nodes if they were started here. */
  stop(): Promise<void>;
}

/**
 * A Redis Cluster for the tests: the one `REDIS_URL` names when it names a cluster; else three
 * masters on 127.0.0.1 started by `scripts/redis-cluster.sh` on `ports` (nothing persisted), or the
 * cluster already answering there. `stop()` stops only what was started here.
 */
export async function provideRedisCluster({ env = process.env, ports = [7101, 7102, 7103] }: { env?: NodeJS.ProcessEnv; ports?: number[] } = {}): Promise<TestRedisCluster> {
  if (env.REDIS_URL && redisTargetOf(env.REDIS_URL).cluster) return { url: env.REDIS_URL, stop: async () => {} };
  // The default ports keep the script's default directory; others a directory of their own.
  const own = ports.join(' ') === '7101 7102 7103' ? {} : { REDIS_CLUSTER_DIR: join(ROOT, '.cache', `redis-cluster-${ports[0]}`) };
  const scriptEnv = { ...env, ...own, REDIS_CLUSTER_PORTS: ports.join(' ') };
  const answering = await run('bash', [SCRIPT, 'status'], { env: scriptEnv }).then(
    () => true,
    () => false,
  );
  if (!answering) await run('bash', [SCRIPT, 'start'], { env: scriptEnv, timeout: 60_000 });
  const url = (await run('bash', [SCRIPT, 'url'], { env: scriptEnv })).stdout.trim();
  return {
    url,
    stop: async () => {
      if (!answering) await run('bash', [SCRIPT, 'stop'], { env: scriptEnv, timeout: 30_000 });
    },
  };
}
