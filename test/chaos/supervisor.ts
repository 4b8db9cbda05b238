import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The env var that sets each service's HTTP port (DESIGN §3). */
export const PORT_ENV: Record<string, string> = {
  'request-service': 'REQUEST_PORT',
  'consent-service': 'CONSENT_PORT',
  'notification-service': 'NOTIFICATION_PORT',
  'directory-service': 'DIRECTORY_PORT',
};

export interface InstanceSpec {
  /** e.g. `consent-service#2` */
  label: string;
  service: string;
  port: number;
}

interface Instance extends InstanceSpec {
  process?: ChildProcess;
  /** The exit of the current process is expected (we killed or stopped it). */
  expectingExit: boolean;
  ready: boolean;
  starts: number;
  kills: number;
  /** Exits nobody asked for, with their code or signal. */
  crashes: string[];
  logFile: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for `promise` at most `ms`, leaving no timer behind. */
async function within(ms: number, promise: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/**
 * Runs each service instance as its own process with `node scripts/service.mjs <name>` (what
 * `npm run service` runs, without npm in between, so a signal reaches the service itself), like
 * a process supervisor: logs to one file per instance, restarts an instance that exits on its own,
 * and lets the chaos kill (SIGKILL) and restart any of them.
 */
export class Supervisor {
  private readonly instances = new Map<string, Instance>();
  private stopping = false;
  private readonly killOnExit = () => {
    for (const instance of this.instances.values()) instance.process?.kill('SIGKILL');
  };

  constructor(
    private readonly root: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logDir: string,
  ) {
    process.once('exit', this.killOnExit);
  }

  add(spec: InstanceSpec): void {
    this.instances.set(spec.label, { ...spec, expectingExit: false, ready: false, starts: 0, kills: 0, crashes: [], logFile: join(this.logDir, `${spec.label.replace('#', '-')}.log`) });
  }

  labels(): string[] {
    return [...this.instances.keys()];
  }

  urlOf(label: string): string {
    return `http://127.0.0.1:${this.get(label).port}`;
  }

  isRunning(label: string): boolean {
    return this.get(label).process !== undefined;
  }

  /**
   * Starts the instance's process; resolves once it answers `/health/ready` (or once it was killed
   * on purpose while starting), rejects if it exits on its own or is not ready after `timeoutMs`.
   */
  async start(label: string, timeoutMs = 90_000): Promise<void> {
    const instance = this.get(label);
    if (instance.process) return;
    instance.starts++;
    instance.ready = false;
    instance.expectingExit = false;
    appendFileSync(instance.logFile, `\n===== ${label} start #${instance.starts} at ${new Date().toISOString()} =====\n`);
    const log = openSync(instance.logFile, 'a');
    const child = spawn(process.execPath, ['--enable-source-maps', join(this.root, 'scripts', 'service.mjs'), instance.service], {
      cwd: this.root,
      env: { ...this.env, [PORT_ENV[instance.service]]: String(instance.port) },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    instance.process = child;
    child.once('exit', (code, signal) => {
      if (instance.process !== child) return;
      instance.process = undefined;
      instance.ready = false;
      if (instance.expectingExit || this.stopping) return;
      // On its own: count it and restart it, as a supervisor would.
      instance.crashes.push(`${new Date().toISOString()} exit ${signal ?? code}`);
      void sleep(1_000).then(() => (this.stopping ? undefined : this.start(label).catch(() => undefined)));
    });
    await this.waitReady(label, timeoutMs);
  }

  /** SIGKILL, no warning. Returns false if the instance was not running. */
  kill(label: string): boolean {
    const instance = this.get(label);
    if (!instance.process) return false;
    instance.expectingExit = true;
    instance.kills++;
    instance.process.kill('SIGKILL');
    return true;
  }

  async waitReady(label: string, timeoutMs: number): Promise<void> {
    const instance = this.get(label);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!instance.process) {
        if (instance.expectingExit) return; // killed while starting: what the chaos meant to do
        throw new Error(`${label} exited while starting; its log: ${instance.logFile}\n${this.tail(label)}`);
      }
      if (await this.answersReady(label)) {
        instance.ready = true;
        return;
      }
      await sleep(250);
    }
    throw new Error(`${label} not ready after ${timeoutMs} ms; its log: ${instance.logFile}\n${this.tail(label)}`);
  }

  async answersReady(label: string): Promise<boolean> {
    return (await this.health(label)).status === 200;
  }

  /** `/health/ready` of an instance: its status and body, or why it did not answer. */
  async health(label: string): Promise<{ status: number; body: string }> {
    try {
      const response = await fetch(`${this.urlOf(label)}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      return { status: 0, body: (error as Error).message };
    }
  }

  /** SIGTERM to every instance, SIGKILL to those still running after `graceMs`. Returns the labels that needed the KILL. */
  async stopAll(graceMs = 12_000): Promise<string[]> {
    this.stopping = true;
    const running = [...this.instances.values()].filter((i) => i.process);
    const exits = running.map((i) => new Promise<void>((resolve) => (i.process!.exitCode !== null ? resolve() : i.process!.once('exit', () => resolve()))));
    for (const instance of running) {
      instance.expectingExit = true;
      instance.process!.kill('SIGTERM');
    }
    const slow: string[] = [];
    await within(graceMs, Promise.all(exits));
    for (const instance of running) {
      if (instance.process && instance.process.exitCode === null && instance.process.signalCode === null) {
        slow.push(instance.label);
        instance.process.kill('SIGKILL');
      }
    }
    await within(5_000, Promise.all(exits));
    process.removeListener('exit', this.killOnExit);
    return slow;
  }

  stats(): { starts: number; kills: number; crashes: Array<{ label: string; what: string }> } {
    const all = [...this.instances.values()];
    return {
      starts: all.reduce((n, i) => n + i.starts, 0),
      kills: all.reduce((n, i) => n + i.kills, 0),
      crashes: all.flatMap((i) => i.crashes.map((what) => ({ label: i.label, what }))),
    };
  }

  /** The last lines of an instance's log. */
  tail(label: string, lines = 15): string {
    try {
      return readFileSync(this.get(label).logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  private get(label: string): Instance {
    const instance = this.instances.get(label);
    if (!instance) throw new Error(`no service instance ${label}`);
    return instance;
  }
}
