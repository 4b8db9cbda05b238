import type { BenchSystem } from './system';

/**
 * What one named benchmark of `npm run bench` is: it runs against the Kafka and Redis the runner
 * provides, in a world of its own (topics, groups, key prefix), and returns rows, each figure
 * beside the baseline it was measured against in the same run.
 */

/** The size of a run: `full` is what `npm run bench` measures; `quick` only checks that it works (CI). */
export type BenchSize = 'full' | 'quick';

export interface BenchContext {
  size: BenchSize;
  kafkaBrokers: string;
  redisUrl: string;
  /** Progress lines (timestamped by the runner). */
  log(line: string): void;
  /**
   * The services as processes (bench/system.ts), started at the first call and shared by the
   * benchmarks of the run that need them; the runner stops them at the end.
   */
  system?: () => Promise<BenchSystem>;
}

/** A goal of the issue, and whether this run met it (undefined: not measured in this run). */
export interface Goal {
  text: string;
  met?: boolean;
}

export interface BenchRow {
  /** `a1`, `a2`, `b1`...: the benchmark's letter and a number, stable across runs. */
  id: string;
  name: string;
  /** How much was measured, e.g. `5000×3` or `200k events`. */
  n: string;
  rate?: number;
  unit?: string;
  p50Ms?: number;
  p99Ms?: number;
  /** Anything else worth a column: bytes per customer, seconds of a rebuild. */
  value?: string;
  /** The id of the row this one is compared to (measured in the same run), and the ratio. */
  baseline?: string;
  ratio?: number;
  goals?: Goal[];
}

export interface BenchResult {
  rows: BenchRow[];
  /** Sentences for RESULTS.md and the console: what the figures say, what the profile found. */
  notes: string[];
}

export interface Benchmark {
  /** The name it is run by: `npm run bench -- <name>`. */
  name: string;
  /** One line: what it measures against what. */
  title: string;
  run(context: BenchContext): Promise<BenchResult>;
}
