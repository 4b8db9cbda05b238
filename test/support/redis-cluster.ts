import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
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
 * masters of its own on 127.0.0.1, started by `scripts/redis-cluster.sh` on free ports (nothing
 * persisted) and stopped by `stop()`. Never one found answering: another run's cluster may be
 * stopped, or emptied, under this one (two test runs on one machine).
 */
export async function provideRedisCluster({ env = process.env }: { env?: NodeJS.ProcessEnv } = {}): Promise<TestRedisCluster> {
  if (env.REDIS_URL && redisTargetOf(env.REDIS_URL).cluster) return { url: env.REDIS_URL, stop: async () => {} };
  const ports = await freeClusterPorts(3);
  const scriptEnv = { ...env, REDIS_CLUSTER_DIR: join(ROOT, '.cache', `redis-cluster-${ports[0]}`), REDIS_CLUSTER_PORTS: ports.join(' ') };
  await run('bash', [SCRIPT, 'start'], { env: scriptEnv, timeout: 60_000 });
  const url = (await run('bash', [SCRIPT, 'url'], { env: scriptEnv })).stdout.trim();
  return { url, stop: async () => void (await run('bash', [SCRIPT, 'stop'], { env: scriptEnv, timeout: 30_000 })) };
}

/** `count` consecutive ports on 127.0.0.1 that are free, and so are their cluster bus ports (each + 10000). */
async function freeClusterPorts(count: number): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if ((await Promise.all([...ports, ...ports.map((p) => p + 10_000)].map(isFree))).every(Boolean)) return ports;
  }
  throw new Error(`no ${count} free ports (and bus ports) found on 127.0.0.1 for a Redis Cluster`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
