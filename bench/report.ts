/**
 * What `npm run bench` prints and writes, kept apart from running anything so that it is tested
 * alone: the command line, each benchmark's rows beside their baselines, and bench/RESULTS.md.
 */
import type { BenchResult, BenchRow, BenchSize } from './benchmark';
import type { CpuSummary } from './cpu-profile';
import { duration, median, rate, ratio } from './stats';

export interface BenchArgs {
  /** Benchmarks named on the command line, in that order; empty: all of them. */
  names: string[];
  size: BenchSize;
  list: boolean;
  help: boolean;
}

/** `npm run bench -- [name...] [--quick] [--list] [--help]`; an unknown option is an error. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { names: [], size: 'full', list: false, help: false };
  for (const arg of argv) {
    if (arg === '--quick') args.size = 'quick';
    else if (arg === '--list') args.list = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg} (options: --quick, --list, --help)`);
    else if (!args.names.includes(arg)) args.names.push(arg);
  }
  return args;
}

/** The benchmarks to run, in registry order when none are named; an unknown name is an error that lists the known ones. */
export function selectBenchmarks<T extends { name: string }>(registry: readonly T[], names: readonly string[]): T[] {
  if (names.length === 0) return [...registry];
  return names.map((name) => {
    const found = registry.find((b) => b.name === name);
    if (!found) throw new Error(`no benchmark named "${name}"; the benchmarks are: ${registry.map((b) => b.name).join(', ')}`);
    return found;
  });
}

/**
 * A figure ÷ its baseline's, taken round by round and then the median: a round and its baseline ran
 * back to back, so a machine that changes speed mid-run (a shared host does) cancels out. With
 * rounds that do not pair up, the ratio of the medians.
 */
export function pairedRatio(rounds: readonly number[], baselineRounds: readonly number[]): number {
  if (rounds.length === 0 || baselineRounds.length === 0) return NaN;
  if (rounds.length !== baselineRounds.length) return median(rounds) / median(baselineRounds);
  return median(rounds.map((value, i) => value / baselineRounds[i]));
}

export const COLUMNS = ['#', 'benchmark', 'N', 'rate', 'p50', 'p99', 'value', 'vs', 'ratio', 'goals'];

function goalsCell(row: BenchRow): string {
  return (row.goals ?? []).map((g) => `${g.text}: ${g.met === undefined ? 'not measured' : g.met ? 'met' : 'NOT met'}`).join('; ');
}

/** A row as the cells of COLUMNS. */
export function cells(row: BenchRow): string[] {
  return [
    row.id,
    row.name,
    row.n,
    row.rate === undefined ? '' : `${rate(row.rate)}${row.unit ? ` ${row.unit}` : ''}`,
    row.p50Ms === undefined ? '' : duration(row.p50Ms),
    row.p99Ms === undefined ? '' : duration(row.p99Ms),
    row.value ?? '',
    row.baseline ?? '',
    row.ratio === undefined ? '' : ratio(row.ratio),
    goalsCell(row),
  ];
}

/** How instances split the work: `consent-service#1 120 (40%), consent-service#2 180 (60%)`. */
export function shareOf(counts: ReadonlyMap<string, number>): string {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return [...counts].map(([label, n]) => `${label} ${n} (${total ? ((n / total) * 100).toFixed(0) : 0}%)`).join(', ');
}

/** Every goal of the rows, with its row's id, that this run did not meet. */
export function goalsNotMet(rows: readonly BenchRow[]): string[] {
  return rows.flatMap((row) => (row.goals ?? []).filter((g) => g.met === false).map((g) => `${row.id} ${g.text}`));
}

const escapeCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A Markdown table; columns that are empty in every row are left out. */
export function markdownTable(columns: readonly string[], rows: readonly string[][]): string {
  const used = columns.map((_, i) => rows.some((r) => (r[i] ?? '') !== '')).map((u, i) => u || i < 2);
  const pick = (r: readonly string[]) => r.filter((_, i) => used[i]);
  const line = (r: readonly string[]) => `| ${pick(r).map(escapeCell).join(' | ')} |`;
  return [line(columns), `| ${pick(columns).map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n');
}

export interface MachineDescription {
  cpus: string;
  memory: string;
  os: string;
  node: string;
  kafka: string;
  redis: string;
}

export interface ReportSection {
  name: string;
  title: string;
  seconds: number;
  result?: BenchResult;
  /** Why the benchmark gave no result. */
  error?: string;
}

export interface Report {
  date: Date;
  size: BenchSize;
  machine: MachineDescription;
  sections: ReportSection[];
  totalSeconds: number;
}

/** bench/RESULTS.md: the machine, then per benchmark its table (each figure beside its baseline) and its notes. */
export function markdownReport(report: Report): string {
  const { machine } = report;
  const out = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench${report.size === 'quick' ? ' -- --quick' : ''}\` on ${report.date.toISOString().replace(/\.\d+Z$/, 'Z')}; ` +
      `size **${report.size}**${report.size === 'quick' ? ' (checks that the benchmarks work; its figures are not measurements)' : ''}; ` +
      `${report.sections.map((s) => s.name).join(', ')} in ${report.totalSeconds.toFixed(0)} s.`,
    '',
    '| machine | |',
    '| --- | --- |',
    `| CPUs | ${escapeCell(machine.cpus)} |`,
    `| memory | ${escapeCell(machine.memory)} |`,
    `| OS | ${escapeCell(machine.os)} |`,
    `| Node | ${escapeCell(machine.node)} |`,
    `| Kafka | ${escapeCell(machine.kafka)} |`,
    `| Redis | ${escapeCell(machine.redis)} |`,
    '',
    'Each figure is compared to the baseline (`vs`) measured in the same run, next to it; `ratio` is the figure ÷ its baseline ' +
      '(rates: > 1× is faster than the baseline; latencies: > 1× is slower), the median over rounds where they were interleaved.',
  ];
  for (const section of report.sections) {
    out.push('', `## ${section.name}: ${section.title}`, '', `${section.seconds.toFixed(0)} s.`, '');
    if (!section.result) {
      out.push(`**Failed:** ${escapeCell(section.error ?? 'no result')}`);
      continue;
    }
    out.push(markdownTable(COLUMNS, section.result.rows.map(cells)));
    if (section.result.notes.length) out.push('', ...section.result.notes.flatMap((note) => [note, '']));
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * A CPU profile as two Markdown tables: busy time by package or area, and the functions with the
 * most self time, each also per unit of work (`per` units, e.g. the commands of the window).
 */
export function profileTables(summary: CpuSummary, per: number, top = 8): string {
  const share = (ms: number) => `${((ms / summary.busyMs) * 100).toFixed(0)}%`;
  const byGroup = markdownTable(
    ['package / area', 'busy', 'per command', 'share of busy'],
    summary.byGroup.slice(0, top).map(([name, ms]) => [name, duration(ms), duration(ms / per), share(ms)]),
  );
  const byFunction = markdownTable(
    ['function (self time; ← the caller a builtin is charged to)', 'self', 'share of busy'],
    summary.byFunction.slice(0, top).map(([name, ms]) => [name.length > 120 ? `${name.slice(0, 117)}...` : name, duration(ms), share(ms)]),
  );
  return `${duration(summary.busyMs)} busy of ${duration(summary.spanMs)} (${((summary.busyMs / summary.spanMs) * 100).toFixed(0)}%), ${duration(summary.busyMs / per)} per command.

${byGroup}

${byFunction}`;
}
