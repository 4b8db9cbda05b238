/**
 * A redis-server of the bench's own on a loopback port, keeping nothing on disk: `INFO memory`
 * then counts only what the bench put there.
 */
import { ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';

export interface OwnRedis {
  url: string;
  stop(): Promise<void>;
}

export async function startOwnRedis(port: number, timeoutMs = 10_000): Promise<OwnRedis> {
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server on :${port} exited (${child.exitCode}): is the port taken?`);
    if ((await client.connect().then(() => client.ping(), () => undefined)) === 'PONG') break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server on :${port} did not answer within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  client.disconnect();
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** `used_memory` of `INFO memory`, in bytes. */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}
