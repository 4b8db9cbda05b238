/**
 * A sampling CPU profile of this process (V8's profiler, through node:inspector), summed by
 * package and by function: where the JS thread spends its time, measured rather than guessed.
 */
import { Session } from 'node:inspector';
import { join } from 'node:path';

const ROOT = join(__dirname, '..') + '/';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface V8Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface CpuSummary {
  /** Wall time the profile covers (ms). */
  spanMs: number;
  /** Time the thread was not idle (ms). */
  busyMs: number;
  /**
   * Busy time by package or area, largest first. V8 builtins (socket writes, JSON, ...) are
   * charged to the nearest caller outside node core, so a package's share includes them.
   */
  byGroup: Array<[string, number]>;
  /** Busy time by function (self time), largest first. */
  byFunction: Array<[string, number]>;
}

/** Where a frame belongs: an npm package, one of the project's libs, node itself, or V8. */
export function groupOf(frame: CallFrame): string {
  const { functionName } = frame;
  // The services' processes run the transpiled tree (bench/compile.ts): .cache/bench/js/libs/... is libs/...
  const url = frame.url.replace('/.cache/bench/js/', '/');
  if (!url) {
    if (functionName === '(garbage collector)') return 'V8: garbage collector';
    if (functionName === '(program)') return 'V8: (program) — native code, compiler, ...';
    if (functionName === '(idle)') return '(idle)';
    return 'V8: builtins';
  }
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.startsWith('node:')) return 'node core';
  const own = /\/(libs\/[^/]+|apps\/[^/]+|bench|test\/support)\//.exec(url);
  if (own) return own[1] === 'bench' ? 'bench (its producer and observers)' : own[1];
  return url;
}

/** Starts and stops V8's sampling profiler through the inspector protocol; where the protocol goes is the subclass's. */
abstract class InspectorCpuProfiler {
  protected abstract connect(): Promise<void>;
  protected abstract disconnect(): void;
  protected abstract post<T = unknown>(method: string, params?: object): Promise<T>;

  async start(samplingIntervalUs = 500): Promise<void> {
    await this.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
    await this.post('Profiler.start');
  }

  async stop(): Promise<CpuSummary> {
    try {
      const { profile } = await this.post<{ profile: V8Profile }>('Profiler.stop');
      await this.post('Profiler.disable');
      return summarize(profile);
    } finally {
      this.disconnect();
    }
  }
}

/** This process. */
export class CpuProfiler extends InspectorCpuProfiler {
  private readonly session = new Session();

  protected async connect(): Promise<void> {
    this.session.connect();
  }

  protected disconnect(): void {
    this.session.disconnect();
  }

  protected post<T = unknown>(method: string, params: object = {}): Promise<T> {
    return new Promise((resolve, reject) => this.session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
  }
}

/**
 * Another process, one started with `--inspect=127.0.0.1:<port>` (a service of the benchmark):
 * the same protocol over the inspector's WebSocket, so only the measured window is sampled.
 */
export class RemoteCpuProfiler extends InspectorCpuProfiler {
  private socket?: WebSocket;
  private lastId = 0;
  private readonly waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();

  constructor(private readonly inspectPort: number) {
    super();
  }

  protected async connect(): Promise<void> {
    const targets = (await (await fetch(`http://127.0.0.1:${this.inspectPort}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
    const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
    socket.addEventListener('message', (event) => {
      const answer = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = answer.id === undefined ? undefined : this.waiting.get(answer.id);
      if (!waiter) return;
      this.waiting.delete(answer.id!);
      if (answer.error) waiter.reject(new Error(answer.error.message));
      else waiter.resolve(answer.result);
    });
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`inspector on :${this.inspectPort} refused the connection`)), { once: true });
    });
    this.socket = socket;
  }

  protected disconnect(): void {
    this.socket?.close();
  }

  protected post<T = unknown>(method: string, params: object = {}): Promise<T> {
    const id = ++this.lastId;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.socket!.send(JSON.stringify({ id, method, params }));
    });
  }
}

function summarize(profile: V8Profile): CpuSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  /**
   * Who a builtin works for: the nearest frame up the stack outside node core (a socket write is
   * charged to ioredis or kafkajs, not to node's stream code), else the nearest with a source file.
   */
  const sourced = (id: number): CallFrame | undefined => {
    let fallback: CallFrame | undefined;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = nodes.get(at)?.callFrame;
      if (!frame?.url) continue;
      if (!frame.url.startsWith('node:')) return frame;
      fallback ??= frame;
    }
    return fallback;
  };
  const label = (frame: CallFrame) => {
    const where = frame.url ? `${frame.url.replace('/.cache/bench/js/', '/').replace(/^file:\/\//, '').replace(/^.*node_modules\//, '').replace(ROOT, '')}:${frame.lineNumber + 1}` : '';
    return `${frame.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
  };
  const byGroup = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let idle = 0;
  // Each sample stands for the time until the next one.
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const frame = nodes.get(profile.samples[i])?.callFrame;
    if (!frame) continue;
    const own = groupOf(frame);
    if (own === '(idle)') {
      idle += ms;
      continue;
    }
    const caller = own === 'V8: builtins' ? sourced(profile.samples[i]) : undefined;
    const group = caller ? groupOf(caller) : own;
    byGroup.set(group, (byGroup.get(group) ?? 0) + ms);
    const name = caller ? `${label(frame)} ← ${label(caller)}` : label(frame);
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  }
  const spanMs = (profile.endTime - profile.startTime) / 1000;
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { spanMs, busyMs: spanMs - idle, byGroup: sorted(byGroup), byFunction: sorted(byFunction) };
}
