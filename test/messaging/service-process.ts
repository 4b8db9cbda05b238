import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { eventually } from '../support/eventually';

const ROOT = join(__dirname, '..', '..');

/** A free loopback port, for a service's HTTP. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One service as its own process, as it is deployed: its `main.ts` run from the sources (ts-node,
 * as `npm run start:service` does, so the test needs no build), with the test's Kafka namespace
 * and Redis prefix from the environment.
 */
export class ServiceProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  private output = '';

  private constructor(
    readonly name: string,
    readonly port: number,
    env: NodeJS.ProcessEnv,
  ) {
    const main = join(ROOT, 'apps', name, 'src', 'main.ts');
    this.child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', main], {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-200_000);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Starts `name` (e.g. `request-service`) on a free port with `portEnv` set, and waits until it is ready. */
  static async start(name: string, portEnv: string, env: NodeJS.ProcessEnv = {}): Promise<ServiceProcess> {
    const port = await freePort();
    const service = new ServiceProcess(name, port, { [portEnv]: String(port), ...env });
    await service.ready();
    return service;
  }

  /** Starts `name` with `env` and does not wait: for a start that is meant to fail. */
  static launch(name: string, env: NodeJS.ProcessEnv): ServiceProcess {
    return new ServiceProcess(name, 0, env);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What the process has written (its last 200 kB), for a failing test's message. */
  logs(): string {
    return this.output;
  }

  isRunning(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits until `/health/ready` answers 200: its consumer is in its group and Redis answers. */
  async ready(timeoutMs = 120_000): Promise<void> {
    await eventually(
      `${this.name} ready on :${this.port}`,
      async () => {
        if (!this.isRunning()) throw new Error(`${this.name} exited while starting:\n${this.output.slice(-3_000)}`);
        return (await fetch(`${this.url}/health/ready`).catch(() => undefined))?.status === 200;
      },
      timeoutMs,
    );
  }

  /** Resident memory of the process, in bytes, from /proc (Linux). */
  residentBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
    return kb * 1024;
  }

  /** Sends `signal` and waits for the process to end: how it ended, and how long it took. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit & { ms: number }> {
    const started = Date.now();
    if (this.isRunning()) this.child.kill(signal);
    const exit = await this.exited;
    return { ...exit, ms: Date.now() - started };
  }
}
