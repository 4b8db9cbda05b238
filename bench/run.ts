/**
 * npm run bench [-- name... | --quick | --list]: the project's benchmarks, each figure printed
 * beside a baseline measured in the same run, then written with the machine's description to
 * bench/RESULTS.md (a `--quick` run, which only checks that the benchmarks work, to
 * .cache/bench/RESULTS.quick.md, so that CI leaves the tree clean; a run of some of them, to
 * .cache/bench/RESULTS.partial.md, so that it does not stand for the whole).
 *
 * Kafka and Redis: KAFKA_BROKERS / REDIS_URL (defaults 127.0.0.1:9092, redis://127.0.0.1:6379); a Kafka
 * that does not answer is started and, at the end, stopped again. Everything the run writes lives
 * under its own Kafka namespace and Redis key prefix and is deleted at the end; the service
 * processes it starts are stopped. BENCH_TIMEOUT_MS (default 600000, 180000 with --quick) cuts a
 * run short.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createKafka, kafkaSettingsFromEnv } from '@mp/messaging';
import { isolateTestRun } from '../test/support/isolation';
import type { Benchmark, BenchContext } from './benchmark';
import { freshness } from './freshness';
import { provideBenchInfra } from './infra';
import { intake } from './intake';
import { memory } from './memory';
import { micro } from './micro';
import { pipeline } from './pipeline';
import { projection, rebuild } from './projection';
import { query } from './query';
import { cells, COLUMNS, goalsNotMet, MachineDescription, markdownReport, parseArgs, ReportSection, selectBenchmarks } from './report';
import { printTable } from './stats';
import { BenchSystem } from './system';

/** Every benchmark, in the order `npm run bench` runs them. */
const BENCHMARKS: Benchmark[] = [micro, pipeline, intake, freshness, projection, rebuild, query, memory];

const ROOT = join(__dirname, '..');
const started = performance.now();
/** Set when the run is cut short (watchdog, signal): the exit code to leave with. */
let abortCode: number | undefined;
const log = (line: string) => console.log(`[bench +${((performance.now() - started) / 1000).toFixed(1)}s] ${line}`);

// Logs at info would be part of what is measured; the bench wants the services as they run quietly.
process.env.LOG_LEVEL = 'warn';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const USAGE = `usage: npm run bench [-- [name...] [--quick] [--list]]

  name...   run only these benchmarks (default: all, in this order: ${BENCHMARKS.map((b) => b.name).join(', ')});
            written to .cache/bench/RESULTS.partial.md (bench/RESULTS.md is a full run's)
  --quick   small sizes, seconds each: checks that the benchmarks work (CI); written to .cache/bench/RESULTS.quick.md
  --list    the benchmarks and what each measures
`;

/** The Kafka release of a broker running on this machine (its process names it), and how many brokers answer. */
async function describeKafka(brokers: string): Promise<string> {
  let version = 'version unknown';
  try {
    const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    const found = /kafka[/_](?:run-|[\d.]+-)?(\d+\.\d+\.\d+)\b/.exec(processes.split('\n').find((line) => line.includes('kafka.Kafka')) ?? '');
    if (found) version = `${found[1]} (the broker process on this machine)`;
  } catch {
    // ps is not everywhere; the version is then unknown.
  }
  const admin = createKafka(kafkaSettingsFromEnv('bench')).admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    return `${version}, ${cluster.brokers.length} broker(s) at ${brokers}, ${process.env.KAFKA_PARTITIONS} partitions per topic`;
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
    selectBenchmarks(BENCHMARKS, args.names);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) return void console.log(USAGE);
  if (args.list) {
    for (const b of BENCHMARKS) console.log(`${b.name.padEnd(12)} ${b.title}`);
    return;
  }
  const selected = selectBenchmarks(BENCHMARKS, args.names);
  const timeoutMs = Number(process.env.BENCH_TIMEOUT_MS ?? (args.size === 'quick' ? 180_000 : 600_000));

  const infra = await provideBenchInfra();
  process.env.KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.REDIS_URL = infra.redisUrl;
  // Own topics, groups and keys for this run; sets KAFKA_NAMESPACE / REDIS_KEY_PREFIX before any service boots.
  const schedulerGiven = process.env.SCHEDULER_INTERVAL_MS;
  const world = isolateTestRun('bench');
  // isolateTestRun may also speed up timers for tests; the bench runs the services with their own defaults.
  if (schedulerGiven === undefined) delete process.env.SCHEDULER_INTERVAL_MS;

  let system: Promise<BenchSystem> | undefined;
  const startSystem = () =>
    (system ??= (async () => {
      log('starting the services as processes: request-service, consent-service ×2, directory-service ×2, notification-service...');
      const begun = performance.now();
      const running = await BenchSystem.start();
      log(`services ready in ${((performance.now() - begun) / 1000).toFixed(1)} s`);
      return running;
    })());
  const stopSystem = async () => {
    const running = await system?.catch(() => undefined);
    await running?.stop();
  };

  let cleaned: Promise<void> | undefined;
  const cleanup = (aborting = false) =>
    (cleaned ??= (async () => {
      await stopSystem();
      await world.cleanup();
      if (aborting) {
        // A topic creation that was in flight when the bench was cut short lands after the first pass.
        await new Promise((resolve) => setTimeout(resolve, 2000));
        await world.cleanup();
      }
      await infra.stop().catch((error) => console.warn(`stopping Kafka: ${error}`));
    })());
  const abort = (why: string, code: number) => {
    if (abortCode !== undefined) return; // already cleaning up
    abortCode = code;
    console.error(`\nbench aborted: ${why}; cleaning up...`);
    void cleanup(true).finally(() => process.exit(code));
  };
  const watchdog = setTimeout(() => abort(`still running after ${timeoutMs} ms (BENCH_TIMEOUT_MS)`, 2), timeoutMs);
  watchdog.unref();
  // `on`, not `once`: Nest's shutdown hook re-sends the signal to the process after closing its app, which must not end the cleanup.
  process.on('SIGINT', () => abort('interrupted', 130));
  process.on('SIGTERM', () => abort('terminated', 143));

  const cpus = os.cpus();
  const machine: MachineDescription = {
    cpus: `${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.platform()} ${os.release()} (${os.arch()})`,
    node: process.version,
    kafka: await describeKafka(infra.kafkaBrokers),
    redis: `${infra.redisVersion} at ${infra.redisUrl}`,
  };
  console.log(`multipartner benchmarks (${args.size}): ${selected.map((b) => b.name).join(', ')}`);
  console.log(`machine : ${machine.cpus}, ${machine.memory}, ${machine.os}, node ${machine.node}`);
  console.log(`kafka   : ${machine.kafka}${infra.startedKafka ? ' (started by the bench)' : ''}, namespace ${world.namespace}`);
  console.log(`redis   : ${machine.redis}, key prefix ${world.keyPrefix}`);

  const sections: ReportSection[] = [];
  try {
    for (const benchmark of selected) {
      console.log('');
      log(`${benchmark.name}: ${benchmark.title}`);
      const begun = performance.now();
      const context: BenchContext = {
        size: args.size,
        kafkaBrokers: infra.kafkaBrokers,
        redisUrl: infra.redisUrl,
        log: (line) => log(`${benchmark.name}: ${line}`),
        system: startSystem,
      };
      const section: ReportSection = { name: benchmark.name, title: benchmark.title, seconds: 0 };
      try {
        section.result = await benchmark.run(context);
      } catch (error) {
        if (abortCode !== undefined) throw error;
        section.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
        const exited = (await system?.catch(() => undefined))?.exited() ?? [];
        if (exited.length) section.error += `\n${exited.join('\n')}`;
        console.error(`${benchmark.name} failed: ${section.error}`);
      }
      section.seconds = (performance.now() - begun) / 1000;
      sections.push(section);
      if (section.result) {
        console.log('');
        printTable(COLUMNS, section.result.rows.map(cells), new Set([2, 3, 4, 5, 8]));
        for (const note of section.result.notes) console.log(`\n${note}`);
      }
      log(`${benchmark.name} took ${section.seconds.toFixed(0)} s`);
    }
  } finally {
    log('stopping the services, deleting topics, consumer groups and keys...');
    await cleanup();
    clearTimeout(watchdog);
  }

  const totalSeconds = (performance.now() - started) / 1000;
  // Only a full run of every benchmark stands for the project's figures; a quick or partial one goes under .cache.
  const partial = selected.length < BENCHMARKS.length;
  const file = args.size === 'quick' ? join(ROOT, '.cache', 'bench', 'RESULTS.quick.md') : partial ? join(ROOT, '.cache', 'bench', 'RESULTS.partial.md') : join(ROOT, 'bench', 'RESULTS.md');
  mkdirSync(dirname(file), { recursive: true });
  // What the profiles found and what each change bought: kept by hand, after the figures of this run.
  const findings = join(ROOT, 'bench', 'FINDINGS.md');
  writeFileSync(file, markdownReport({ date: new Date(), size: args.size, machine, sections, totalSeconds }) + (existsSync(findings) ? `\n${readFileSync(findings, 'utf8')}` : ''));
  console.log('');
  const missed = goalsNotMet(sections.flatMap((s) => s.result?.rows ?? []));
  if (missed.length) console.log(`goals not met: ${missed.join('; ')}`);
  const failed = sections.filter((s) => !s.result).map((s) => s.name);
  if (failed.length) console.error(`failed: ${failed.join(', ')}`);
  log(`done in ${totalSeconds.toFixed(0)} s; written to ${relative(ROOT, file)}`);
  if (failed.length) process.exitCode = 1;
}

main().then(
  () => process.exit(abortCode ?? process.exitCode ?? 0),
  (error) => {
    if (abortCode === undefined) console.error(error);
    process.exit(abortCode ?? 1);
  },
);
