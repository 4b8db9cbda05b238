/**
 * The services as the intake and freshness benchmarks run them: each instance its own process
 * (its `main.ts`, transpiled once by bench/compile.ts), two instances of the consent-service
 * and of the directory in one consumer group each, against the run's Kafka namespace and Redis
 * prefix. Every process listens for the inspector on a loopback port of its own, so that a
 * benchmark can take a CPU profile of exactly the window it measures (RemoteCpuProfiler).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createKafka, kafkaSettingsFromEnv, physicalTopic } from '@mp/messaging';
import { consumerLag, SERVICE_GROUPS } from '@mp/operations';
import { freePort } from '../test/messaging/service-process';
import { compiled, compileForProcesses, processEnv } from './compile';
import { RemoteCpuProfiler } from './cpu-profile';
import { sumOf } from './prometheus-text';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A process of the compiled code (bench/compile.ts), its output kept for the error that needs it. */
class CompiledProcess {
  readonly child: ChildProcess;
  private output = '';
  private readonly exited: Promise<void>;

  constructor(source: string, args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, ['-r', 'tsconfig-paths/register', compiled(source), ...args], {
      env: { ...process.env, ...processEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString('utf8')).slice(-20_000));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    // Whatever happens to the bench (its watchdog exits at once), no process of it outlives it.
    process.once('exit', () => this.kill());
  }

  isRunning(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines the process wrote. */
  tail(chars = 3000): string {
    return this.output.slice(-chars);
  }

  /** Polls `ready` until it says yes; fails with the process's output if it exits or takes longer than `timeoutMs`. */
  async until(what: string, ready: (output: string) => Promise<boolean> | boolean, timeoutMs = 240_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.isRunning()) throw new Error(`${what}: the process exited:\n${this.output.slice(-3000)}`);
      if (await ready(this.output)) return;
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms:\n${this.output.slice(-3000)}`);
      await sleep(100);
    }
  }

  /** SIGTERM, and waits for the exit (the services finish what is in flight, commit and leave their group). */
  async stop(): Promise<void> {
    if (this.isRunning()) this.child.kill('SIGTERM');
    await this.exited;
  }

  kill(): void {
    if (this.isRunning()) this.child.kill('SIGKILL');
  }
}

const PORT_ENV: Record<string, string> = {
  'request-service': 'REQUEST_PORT',
  'consent-service': 'CONSENT_PORT',
  'notification-service': 'NOTIFICATION_PORT',
  'directory-service': 'DIRECTORY_PORT',
};

/** The instances of the system, by label: one of each service, two of the consent-service and the directory. */
const INSTANCES: Array<[label: string, service: string]> = [
  ['request-service', 'request-service'],
  ['consent-service#1', 'consent-service'],
  ['consent-service#2', 'consent-service'],
  ['directory-service#1', 'directory-service'],
  ['directory-service#2', 'directory-service'],
  ['notification-service', 'notification-service'],
];

export interface BenchInstance {
  label: string;
  service: string;
  process: CompiledProcess;
  url: string;
  inspectPort: number;
}

export class BenchSystem {
  private constructor(readonly instances: BenchInstance[]) {}

  /** Starts every instance at once and resolves when all are ready (in their group, Redis answering). */
  static async start(): Promise<BenchSystem> {
    compileForProcesses();
    const started = await Promise.allSettled(
      INSTANCES.map(async ([label, service]): Promise<BenchInstance> => {
        const [port, inspectPort] = [await freePort(), await freePort()];
        const url = `http://127.0.0.1:${port}`;
        const process = new CompiledProcess(`apps/${service}/src/main.ts`, [], { [PORT_ENV[service]]: String(port), NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}` });
        // Ready: in its group, Redis answering, its state built from the topics.
        await process.until(`${label} ready`, async () => (await fetch(`${url}/health/ready`).catch(() => undefined))?.status === 200);
        return { label, service, process, url, inspectPort };
      }),
    );
    const instances = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const system = new BenchSystem(instances);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await system.stop();
      throw failed.reason;
    }
    return system;
  }

  of(service: string): BenchInstance[] {
    return this.instances.filter((i) => i.service === service);
  }

  one(label: string): BenchInstance {
    const found = this.instances.find((i) => i.label === label);
    if (!found) throw new Error(`no instance ${label}`);
    return found;
  }

  profiler(label: string): RemoteCpuProfiler {
    return new RemoteCpuProfiler(this.one(label).inspectPort);
  }

  /** A counter of the instance's `/metrics`, summed over the samples with these labels. */
  async counter(label: string, metric: string, labels: Record<string, string> = {}): Promise<number> {
    const response = await fetch(`${this.one(label).url}/metrics`);
    return sumOf(await response.text(), metric, labels);
  }

  /** Messages of `type` each instance of `service` consumed so far, by label. */
  async consumed(service: string, type?: string): Promise<Map<string, number>> {
    const instances = this.of(service);
    const counts = await Promise.all(instances.map((i) => this.counter(i.label, 'mp_messages_consumed_total', type ? { type } : {})));
    return new Map(instances.map((i, n) => [i.label, counts[n]]));
  }

  /** The summed lag of each service's consumer group, by group name. */
  async lag(groups: readonly string[] = SERVICE_GROUPS): Promise<Map<string, number>> {
    const settings = kafkaSettingsFromEnv('bench-lag');
    const lags = await consumerLag(createKafka(settings), settings, groups);
    return new Map(lags.map((g) => [g.group, g.lag]));
  }

  /**
   * Resolves once consumer group `group` (a service's, by name) has handled the message at
   * `offset` of `partition` of the contract topic `topic`: its committed offset is past it.
   */
  async handled(group: string, topic: string, position: { partition: number; offset: string }, timeoutMs = 60_000): Promise<void> {
    const settings = kafkaSettingsFromEnv('bench-lag');
    const admin = createKafka(settings).admin();
    await admin.connect();
    try {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [committed] = await admin.fetchOffsets({ groupId: `${settings.namespace}${group}`, topics: [physicalTopic(settings, topic)] });
        const at = committed?.partitions.find((p) => p.partition === position.partition)?.offset ?? '-1';
        if (BigInt(at) > BigInt(position.offset)) return;
        if (Date.now() > deadline) throw new Error(`${group} has not handled offset ${position.offset} of ${topic}/${position.partition} within ${timeoutMs} ms (committed ${at})`);
        await sleep(2);
      }
    } finally {
      await admin.disconnect();
    }
  }

  /** Resolves once each of `groups` has handled everything published so far (one pass with no lag at all). */
  async settled(groups: readonly string[] = SERVICE_GROUPS, timeoutMs = 120_000): Promise<number> {
    const start = Date.now();
    for (;;) {
      const lags = await this.lag(groups);
      if ([...lags.values()].every((lag) => lag === 0)) return Date.now() - start;
      if (Date.now() - start > timeoutMs) throw new Error(`not settled within ${timeoutMs} ms: ${[...lags].map(([g, l]) => `${g} ${l}`).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Instances that are no longer running, each with how it ended and the last it wrote: for the message of a failed benchmark. */
  exited(): string[] {
    return this.instances
      .filter((i) => !i.process.isRunning())
      .map((i) => `${i.label} exited (${i.process.child.exitCode ?? i.process.child.signalCode}):\n${i.process.tail()}`);
  }

  /** SIGTERM to every instance: each finishes what is in flight, commits and leaves its group. */
  async stop(): Promise<void> {
    await Promise.all(this.instances.map((i) => i.process.stop()));
  }
}

/** bench/passthrough.ts as a process of its own: the bare-Kafka baseline of a service instance. */
export class PassThrough {
  private constructor(private readonly process: CompiledProcess) {}

  /** Starts it and resolves once it has joined its group. */
  static async start(from: string, to: string, groupId: string): Promise<PassThrough> {
    compileForProcesses();
    const process = new CompiledProcess('bench/passthrough.ts', [from, to, groupId], {});
    await process.until(`pass-through in ${groupId}`, (output) => output.includes('joined '));
    return new PassThrough(process);
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
