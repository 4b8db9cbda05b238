import { execFile } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';

/** `count` TCP ports free on 127.0.0.1 right now. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export async function redisAnswers(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3_000, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`the chaos test uses the Redis on ${url} (REDIS_URL), under a key prefix of its own, and it does not answer: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}

/** `npm run build` when a service's dist/ main.js is missing or older than any source under apps/ or libs/. */
export async function buildIfStale(root: string, services: readonly string[]): Promise<void> {
  const mains = services.map((s) => join(root, 'dist', 'apps', s, 'src', 'main.js'));
  const builtAt = Math.min(...mains.map((m) => (existsSync(m) ? statSync(m).mtimeMs : 0)));
  if (builtAt > 0 && newestSource([join(root, 'apps'), join(root, 'libs')]) < builtAt) return;
  try {
    await promisify(execFile)('npm', ['run', '--silent', 'build'], { cwd: root, timeout: 300_000 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm run build failed, so the services cannot run from dist/:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

function newestSource(dirs: string[]): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  dirs.forEach(walk);
  return newest;
}

/** The promise, or a rejection once `ms` have passed (the timer does not outlive it). */
export async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Deletes what finished runs kept (logs and report of a failed run) once older than `maxAgeMs`; a run with its broker still there is left alone. */
export function pruneFinishedRuns(dir: string, maxAgeMs: number): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !existsSync(join(path, 'kafka')) && Date.now() - statSync(path).mtimeMs > maxAgeMs) rmSync(path, { recursive: true, force: true });
  }
}
