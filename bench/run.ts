/**
 * npm run bench: the project's benchmarks, each printed beside a baseline measured in the same run.
 *
 *   1. the pure rules (decideRequestRelationship, evolve) vs the JSON round trip of the same state
 *   2. contract validation (decode) vs bare JSON.parse of the same bytes
 *   3. the request-service end to end (Kafka -> NestJS -> Redis -> Kafka) vs bare kafkajs produce -> consume
 *
 * Kafka and Redis: KAFKA_BROKERS / REDIS_URL (defaults 127.0.0.1:9092, redis://127.0.0.1:6379); a Kafka
 * that does not answer is started and, at the end, stopped again. Everything the bench writes lives
 * under its own Kafka namespace and Redis key prefix and is deleted at the end.
 * Knobs: BENCH_N (commands per round, default 1000), BENCH_ROUNDS (default 5), BENCH_SEQUENTIAL
 * (messages sent one at a time, default 100), BENCH_TIMEOUT_MS (default 150000).
 */
import 'reflect-metadata';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { decideRequestRelationship, evolve } from '@mp/domain';
import { decode } from '@mp/messaging';
import { isolateTestRun } from '../test/support/isolation';
import { provideBenchInfra } from './infra';
import { measureTogether, MicroResult, realisticCustomer, requestRelationshipBuffer } from './micro';
import { PipelineBench, PipelineResult } from './pipeline';
import { bytes, duration, median, printTable, rate, ratio, spread } from './stats';

const N = Number(process.env.BENCH_N ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 150_000);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 100);
const started = performance.now();
/** Set when the run is cut short (watchdog, signal): the exit code to leave with. */
let abortCode: number | undefined;
const log = (line: string) => console.log(`[bench +${((performance.now() - started) / 1000).toFixed(1)}s] ${line}`);

// Logs at info would be part of what is measured; the bench wants the service as it runs quietly.
process.env.LOG_LEVEL = 'warn';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

interface Row {
  id: string;
  name: string;
  n: string;
  rate: number;
  unit: string;
  perOp: string;
  p50?: number;
  p99?: number;
  spread: string;
  /** The rate of each round, in the order they ran (cases and their baseline were interleaved). */
  perRound: number[];
  baseline?: Row;
}

/**
 * Rate ÷ baseline rate, taken round by round and then the median: a round and its baseline ran
 * back to back, so a machine that changes speed mid-run (a shared host does) cancels out.
 */
function ratioToBaseline(row: Row): number {
  const base = row.baseline;
  if (!base) return 1;
  if (row.perRound.length !== base.perRound.length) return row.rate / base.rate;
  return median(row.perRound.map((r, i) => r / base.perRound[i]));
}

function microRow(id: string, name: string, result: MicroResult, baseline?: Row): Row {
  return {
    id,
    name,
    n: `${result.iterations}×${result.rounds}`,
    rate: result.opsPerSec,
    unit: 'ops/s',
    perOp: duration(1000 / result.opsPerSec),
    spread: spread(result.perRound),
    perRound: result.perRound,
    baseline,
  };
}

async function main(): Promise<void> {
  const infra = await provideBenchInfra();
  process.env.KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.REDIS_URL = infra.redisUrl;
  // Own topics, groups and keys for this run; sets KAFKA_NAMESPACE / REDIS_KEY_PREFIX before any service boots.
  const schedulerGiven = process.env.SCHEDULER_INTERVAL_MS;
  const world = isolateTestRun('bench');
  // isolateTestRun may also speed up timers for tests; the bench runs the service with its own defaults.
  if (schedulerGiven === undefined) delete process.env.SCHEDULER_INTERVAL_MS;
  let pipelineBench: PipelineBench | undefined;

  let cleaned: Promise<void> | undefined;
  const cleanup = (aborting = false) =>
    (cleaned ??= (async () => {
      await pipelineBench?.stop();
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
  const watchdog = setTimeout(() => abort(`still running after ${TIMEOUT_MS} ms (BENCH_TIMEOUT_MS)`, 2), TIMEOUT_MS);
  watchdog.unref();
  // `on`, not `once`: Nest's shutdown hook re-sends the signal to the process after closing its app, which must not end the cleanup.
  process.on('SIGINT', () => abort('interrupted', 130));
  process.on('SIGTERM', () => abort('terminated', 143));

  const cpus = os.cpus();
  console.log('multipartner benchmarks');
  console.log(`machine : ${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()}, node ${process.version}`);
  console.log(`kafka   : ${infra.kafkaBrokers}${infra.startedKafka ? ' (started by the bench)' : ''}, namespace ${world.namespace}, ${process.env.KAFKA_PARTITIONS} partitions per topic`);
  console.log(`redis   : ${infra.redisUrl} (redis ${infra.redisVersion}), key prefix ${world.keyPrefix}`);
  console.log('');

  try {
    // 1. Pure rules vs the JSON round trip the Redis store pays for the same state on every message.
    log('1/3 rules: decideRequestRelationship, evolve, JSON round trip of the state...');
    const fixture = realisticCustomer();
    const rules = measureTogether({
      json: { fn: () => JSON.parse(JSON.stringify(fixture.state)), iterations: 400 },
      decide: { fn: () => decideRequestRelationship(fixture.command, fixture.ctx), iterations: 20_000 },
      fold: { fn: () => evolve(fixture.state, fixture.event), iterations: 20_000 },
    });
    const { json, decide, fold } = rules;
    const jsonRow = microRow('1c', `baseline: JSON.parse(JSON.stringify(state)) [${bytes(fixture.stateJsonBytes)}]`, json);

    // 2. Contract validation vs bare JSON.parse of the same bytes.
    log('2/3 contracts: decode() vs JSON.parse...');
    const buffer = requestRelationshipBuffer();
    const contracts = measureTogether({
      parse: { fn: () => JSON.parse(buffer.toString('utf8')), iterations: 10_000 },
      decoded: { fn: () => decode(buffer), iterations: 400 },
    });
    const { parse, decoded } = contracts;
    const parseRow = microRow('2b', `baseline: JSON.parse(buffer) [${bytes(buffer.length)}]`, parse);

    // 3. The pipeline end to end vs bare Kafka.
    log(`3/3 pipeline: request-service vs raw kafkajs, ${ROUNDS} round(s) of ${N} messages...`);
    pipelineBench = new PipelineBench({ n: N, rounds: ROUNDS, warmup: Math.min(500, N), sequential: SEQUENTIAL, run: world.run, timeoutMs: 60_000, log });
    const pipe: PipelineResult = await pipelineBench.run();

    const rawRow: Row = {
      id: '3b',
      name: `baseline: raw kafkajs produce→consume [${bytes(pipe.messageBytes)}]`,
      n: `${N}×${ROUNDS}`,
      rate: pipe.raw.throughput,
      unit: 'msg/s',
      perOp: duration(1000 / pipe.raw.throughput),
      p50: pipe.raw.p50,
      p99: pipe.raw.p99,
      spread: spread(pipe.raw.throughputs),
      perRound: pipe.raw.throughputs,
    };
    const decideRow = microRow('1a', `rules: decideRequestRelationship (20 requests, 5 relationships)`, decide, jsonRow);
    const foldRow = microRow('1b', 'rules: evolve(state, RelationshipRequested)', fold, jsonRow);
    const decodeRow = microRow('2a', `contracts: decode(RequestRelationship envelope)`, decoded, parseRow);
    const pipeRow: Row = {
      id: '3a',
      name: 'pipeline: RequestRelationship → request-service → RelationshipRequested',
      n: `${N}×${ROUNDS}`,
      rate: pipe.pipeline.throughput,
      unit: 'cmd/s',
      perOp: duration(1000 / pipe.pipeline.throughput),
      p50: pipe.pipeline.p50,
      p99: pipe.pipeline.p99,
      spread: spread(pipe.pipeline.throughputs),
      perRound: pipe.pipeline.throughputs,
      baseline: rawRow,
    };
    const seqRow = (id: string, name: string, round: typeof pipe.rawSequential, unit: string, baseline?: Row): Row => ({
      id,
      name,
      n: `${round.n}×1`,
      rate: round.throughput,
      unit,
      perOp: duration(1000 / round.throughput),
      p50: round.p50,
      p99: round.p99,
      spread: '-',
      perRound: [round.throughput],
      baseline,
    });
    const rawSeqRow = seqRow('3d', 'baseline: raw kafkajs, one message at a time', pipe.rawSequential, 'msg/s');
    const pipeSeqRow = seqRow('3c', 'pipeline, one command at a time (nothing queued in front)', pipe.pipelineSequential, 'cmd/s', rawSeqRow);
    const rows: Row[] = [decideRow, foldRow, jsonRow, decodeRow, parseRow, pipeRow, rawRow, pipeSeqRow, rawSeqRow];

    console.log('');
    printTable(
      ['#', 'benchmark', 'N', 'rate (median)', 'time/op', 'p50', 'p99', 'spread', 'vs', 'rate ÷ baseline'],
      rows.map((r) => [
        r.id,
        r.name,
        r.n,
        `${rate(r.rate)} ${r.unit}`,
        r.perOp,
        r.p50 === undefined ? '-' : duration(r.p50),
        r.p99 === undefined ? '-' : duration(r.p99),
        r.spread,
        r.baseline ? r.baseline.id : 'baseline',
        r.baseline ? ratio(ratioToBaseline(r)) : '1×',
      ]),
      new Set([2, 3, 4, 5, 6, 7, 9]),
    );

    // What the ratios mean.
    const us = (opsPerSec: number) => 1e6 / opsPerSec;
    const decideUs = us(decide.opsPerSec);
    const foldUs = us(fold.opsPerSec);
    const jsonUs = us(json.opsPerSec);
    const decodeUs = us(decoded.opsPerSec);
    const parseUs = us(parse.opsPerSec);
    const perCommandUs = 1e6 / pipe.pipeline.throughput;
    const rulesShare = (decideUs + foldUs) / (decideUs + foldUs + jsonUs);
    console.log('');
    console.log('time/op = 1 / rate (3a/3b: wall time per message at that throughput; 3c/3d: the mean latency).');
    console.log('rate ÷ baseline = median over rounds of (round rate ÷ rate of the baseline round run next to it); > 1× is faster than the baseline.');
    console.log('spread = half the interquartile range of the rounds (min–max with ≤ 4 rounds), relative to their median.');
    console.log('p50/p99 = latency from handing a message to the producer to seeing the result on the output topic: during a burst of N for 3a/3b (so it includes queueing), one message at a time for 3c/3d (the two alternating message by message).');
    console.log(
      `1. decideRequestRelationship runs at ${ratio(ratioToBaseline(decideRow))} and evolve at ${ratio(ratioToBaseline(foldRow))} the rate of one JSON round trip of the same state ` +
        `(${duration(decideUs / 1000)} + ${duration(foldUs / 1000)} vs ${duration(jsonUs / 1000)}): ${rulesShare < 0.5 ? 'serialization, not the rules, dominates' : 'the rules, not serialization, dominate'} ` +
        `the in-process work on a customer's state (rules are ${(rulesShare * 100).toFixed(0)}% of decide + evolve + parse/stringify).`,
    );
    console.log(
      `2. decode() runs at ${ratio(ratioToBaseline(decodeRow))} the rate of bare JSON.parse: validation (class-transformer + class-validator) adds ` +
        `${duration((decodeUs - parseUs) / 1000)} per message on top of ${duration(parseUs / 1000)} of parsing.`,
    );
    console.log(
      `3. The request-service moves commands at ${ratio(ratioToBaseline(pipeRow))} the rate of bare Kafka produce→consume ` +
        `(${rate(pipe.pipeline.throughput)} vs ${rate(pipe.raw.throughput)} msg/s), with ${ratio(median(pipe.pipeline.rounds.map((r, i) => r.p50 / pipe.raw.rounds[i].p50)))} its p50 latency: ` +
        `${duration(perCommandUs / 1000)} of service time per command against ${duration(1000 / pipe.raw.throughput)} per message for Kafka alone. ` +
        `One at a time (3c vs 3d), a command takes ${duration(pipe.pipelineSequential.p50)} (p50) from publish to event against ${duration(pipe.rawSequential.p50)} for a bare Kafka hop: ` +
        `the burst p50 of 3a is queueing behind the other commands, not the cost of one.`,
    );

    const prof = pipe.profile;
    const perCommandMs = prof.windowMs / prof.n;
    console.log('');
    console.log(
      `where the time goes: one more round of ${prof.n} commands with the service's steps timed in place (${rate(prof.throughput)} cmd/s, ` +
        `${duration(perCommandMs)} per command from first publish to last message handled, ${prof.messagesPerCommand.toFixed(2)} messages handled per command); ` +
        `"alone" = the same step run by itself, one at a time, on the idle service.`,
    );
    printTable(
      ['step', 'calls/cmd', 'mean in round', 'alone p50', 'alone p99', 'per command', 'share'],
      [
        ...prof.steps.map((st) => [
          st.name,
          Number.isNaN(st.perCommand) ? '-' : st.perCommand.toFixed(2),
          Number.isNaN(st.meanMs) ? '-' : duration(st.meanMs),
          st.aloneP50 === undefined ? '-' : duration(st.aloneP50),
          st.aloneP99 === undefined ? '-' : duration(st.aloneP99),
          duration(st.totalMs / prof.n),
          `${((st.totalMs / prof.windowMs) * 100).toFixed(0)}%`,
        ]),
        ['total (window ÷ N)', '', '', '', '', duration(perCommandMs), '100%'],
      ],
      new Set([1, 2, 3, 4, 5, 6]),
    );
    console.log(
      `this process during that round: event loop busy ${(prof.eventLoopUtilization * 100).toFixed(0)}% of the time, ` +
        `CPU ${duration(prof.cpuMs / prof.n)} per command (${((prof.cpuMs / prof.spanMs) * 100).toFixed(0)}% of one core; the broker and Redis share the other ${os.cpus().length - 1 || 0} core(s) with it), ` +
        `${prof.gcPauses} GC pauses totalling ${duration(prof.gcPauseMs)} (${((prof.gcPauseMs / prof.spanMs) * 100).toFixed(0)}%, spread over the rows above). ` +
        `"mean in round" includes whatever else the one JS thread ran meanwhile (the bench's own producer and observer, kafkajs decoding fetches), and the CPU the broker took from it.`,
    );
    const busy = prof.cpu.busyMs;
    const share = (ms: number) => `${((ms / busy) * 100).toFixed(0)}%`;
    console.log('');
    console.log(`CPU profile of this process over that round (V8 sampling every 0.5 ms; ${duration(busy)} busy of ${duration(prof.cpu.spanMs)}, i.e. ${duration(busy / prof.n)} per command), by package (V8 builtins such as socket writes charged to the package that called them):`);
    printTable(
      ['package / area', 'busy', 'per command', 'share of busy'],
      prof.cpu.byGroup.slice(0, 12).map(([name, ms]) => [name, duration(ms), duration(ms / prof.n), share(ms)]),
      new Set([1, 2, 3]),
    );
    console.log('top functions by self time (← the caller a builtin was charged to):');
    printTable(
      ['function', 'self', 'share of busy'],
      prof.cpu.byFunction.slice(0, 12).map(([name, ms]) => [name.length > 130 ? `${name.slice(0, 127)}...` : name, duration(ms), share(ms)]),
      new Set([1, 2]),
    );
    console.log('');
    console.log(
      `notes: service boot ${duration(pipe.bootMs)}; reference data (${pipe.referenceMessages} messages) folded in ${duration(pipe.referenceCatchUpMs)} ` +
        `(${rate(pipe.referenceMessages / (pipe.referenceCatchUpMs / 1000))} msg/s); burst handed to the producer and acked in ${duration(pipe.pipeline.publishAckMs)} (pipeline) / ` +
        `${duration(pipe.raw.publishAckMs)} (raw); after the last event of a round the service needed ${pipe.drainMs.map((ms) => duration(ms)).join(', ')} more to reach lag 0; ` +
        `command ${bytes(pipe.messageBytes)}, event ${bytes(pipe.eventBytes)}; RequestRejected ${pipe.rejected}, dead letters ${pipe.deadLetters}.`,
    );
    console.log(
      `rounds: pipeline ${pipe.pipeline.rounds.map((r) => `${rate(r.throughput)}/s p50 ${duration(r.p50)} p99 ${duration(r.p99)}`).join(' | ')}; ` +
        `raw ${pipe.raw.rounds.map((r) => `${rate(r.throughput)}/s p50 ${duration(r.p50)} p99 ${duration(r.p99)}`).join(' | ')}`,
    );
    if (pipe.rejected || pipe.deadLetters) console.warn('WARNING: rejections or dead letters: the pipeline figures do not measure the happy path only.');
  } finally {
    log('cleaning up topics, consumer groups and keys...');
    await cleanup();
    clearTimeout(watchdog);
    log('done.');
  }
}

main().then(
  () => process.exit(abortCode ?? 0),
  (error) => {
    if (abortCode === undefined) console.error(error);
    process.exit(abortCode ?? 1);
  },
);
