import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The chaos run's own Kafka broker: the project's broker script with a run directory and ports of
 * its own, so restarting it disturbs no other test (those use the broker on 9092).
 */
export class ChaosBroker {
  readonly brokers: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly root: string,
    readonly runDir: string,
    port: number,
    controllerPort: number,
  ) {
    this.brokers = `127.0.0.1:${port}`;
    this.env = { ...process.env, KAFKA_BROKERS: this.brokers, KAFKA_CONTROLLER_PORT: String(controllerPort), KAFKA_RUN_DIR: runDir, KAFKA_HEAP_OPTS: '-Xms128m -Xmx512m' };
  }

  async start(): Promise<void> {
    await this.script('start', 120_000);
  }

  /** A clean stop (SIGTERM, the broker's own shutdown), as an operator's rolling restart does. */
  async stop(): Promise<void> {
    await this.script('stop', 60_000);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Stops it and deletes its data, config and logs. */
  async remove(): Promise<void> {
    try {
      await this.script('wipe', 60_000);
    } finally {
      rmSync(this.runDir, { recursive: true, force: true });
      rmSync(`${this.runDir}.lock`, { force: true });
    }
  }

  private async script(command: string, timeout: number): Promise<void> {
    try {
      await run('bash', [join(this.root, 'scripts', 'kafka-broker.sh'), command], { env: this.env, timeout });
    } catch (error) {
      const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`kafka-broker.sh ${command} (${this.brokers}, ${this.runDir}) failed: ${message}\n${stdout ?? ''}${stderr ?? ''}`);
    }
  }
}
