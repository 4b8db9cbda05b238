import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from '../support/eventually';

const ROOT = join(__dirname, '..', '..');

export interface OpsResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The ops CLI as an operator runs it: the command line of `npm run ops` (node with ts-node, from
 * the sources), with the test's Kafka namespace and Redis prefix from the environment.
 */
export class OpsProcess {
  readonly child: ChildProcess;
  readonly done: Promise<OpsResult>;
  stdout = '';
  stderr = '';

  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(ROOT, 'apps', 'ops-cli', 'src', 'main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString('utf8')));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.done = new Promise((resolve) => this.child.once('close', (code) => resolve({ code, stdout: this.stdout, stderr: this.stderr })));
  }

  /** Waits until standard error says `pattern` (e.g. that a tail follows), or fails saying what it said. */
  async saysOnStderr(pattern: RegExp): Promise<void> {
    await eventually(`ops to say ${pattern} (stderr so far: ${this.stderr})`, async () => pattern.test(this.stderr) || (this.child.exitCode !== null ? Promise.reject(new Error(`ops exited: ${this.stderr}`)) : false));
  }
}

/** Runs `ops <args>` to its end. */
export function ops(args: string[], env?: NodeJS.ProcessEnv): Promise<OpsResult> {
  return new OpsProcess(args, env).done;
}

/** Runs `ops <args> --json` and parses what it prints, failing with its stderr when it exits non-zero. */
export async function opsJson<T = any>(args: string[], env?: NodeJS.ProcessEnv): Promise<T> {
  const result = await ops([...args, '--json'], env);
  if (result.code !== 0) throw new Error(`ops ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
