import type { ChaosMoment } from './chaos-monkey';
import type { Finding } from './findings';
import type { SettleOutcome } from './settle';

/** Everything the report says about one run besides the invariants. */
export interface RunSummary {
  mode: string;
  seed: number;
  startedAt: number;
  finishedAt: number;
  sent: { commands: number; reference: number; malformed: number; unsent: number; gatedOnDeadline: number; gated: number };
  events: number;
  deadLetters: number;
  kills: number;
  serviceRestarts: number;
  brokerRestarts: number;
  redisWipes: number;
  crashes: Array<{ label: string; what: string }>;
  settles: Array<{ what: string; outcome: SettleOutcome }>;
  timeline: ChaosMoment[];
  chaosDelays: string;
  /** Where the services' logs, report.txt and evidence.txt are kept. */
  runDir: string;
}

/** Every invariant's finding, by name. */
export interface Findings {
  settled: Finding;
  differences: Finding;
  conflictingDuplicates: Finding;
  decidedTwice: Finding;
  notificationsDoubled: Finding;
  unanswered: Finding;
  validDeadLettered: Finding;
  malformedNotDeadLettered: Finding;
  notificationsLost: Finding;
  stale: Finding;
  heldUp: Finding;
}

/** What the table's "duplicates" and "lost" columns add up. */
const duplicates = (f: Findings) => [f.conflictingDuplicates, f.decidedTwice, f.notificationsDoubled];
const lost = (f: Findings) => [f.unanswered, f.validDeadLettered, f.malformedNotDeadLettered, f.notificationsLost];

export function allFindings(f: Findings): Finding[] {
  return [f.settled, f.differences, ...duplicates(f), ...lost(f), f.stale, f.heldUp];
}

const sum = (findings: Finding[]) => findings.reduce((n, f) => n + f.count, 0);

/** The table the issue asks for, then what each invariant found, then the chaos timeline. */
export function renderReport(run: RunSummary, findings: Findings): string {
  const columns: Array<[string, string | number]> = [
    ['commands', run.sent.commands],
    ['events', run.events],
    ['dead letters', run.deadLetters],
    ['kills', run.kills],
    ['restarts', `${run.serviceRestarts + run.brokerRestarts}`],
    ['differences', findings.differences.count],
    ['duplicates', sum(duplicates(findings))],
    ['lost', sum(lost(findings))],
    ['stale refusals', findings.stale.count],
    ['held up', findings.heldUp.count],
  ];
  const widths = columns.map(([name, value]) => Math.max(name.length, String(value).length));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  const t0 = run.startedAt;
  const seconds = (at: number) => `${((at - t0) / 1000).toFixed(1).padStart(6)} s`;

  const lines = [
    '',
    `chaos run (${run.mode}), seed ${run.seed}: rerun with CHAOS_SEED=${run.seed}${run.mode === 'full' ? ' CHAOS_MODE=full' : ''}; ` +
      `from ${new Date(run.startedAt).toISOString()}, ${((run.finishedAt - run.startedAt) / 1000).toFixed(0)} s`,
    row(columns.map(([name]) => name)),
    rule,
    row(columns.map(([, value]) => String(value))),
    '',
    `sent: ${run.sent.commands} commands, ${run.sent.reference} reference events, ${run.sent.malformed} malformed messages` +
      `${run.sent.unsent ? `, ${run.sent.unsent} NOT sent (broker unreachable)` : ''}; ${run.sent.gated} commands waited for what they name, ${run.sent.gatedOnDeadline} of them went out on the deadline instead`,
    `chaos: ${run.kills} SIGKILLs, ${run.serviceRestarts} service restarts, ${run.brokerRestarts} broker restart, ${run.redisWipes} Redis wipe; ` +
      `${run.crashes.length} exits nobody asked for${run.crashes.length ? ` (${run.crashes.map((c) => `${c.label} ${c.what}`).join('; ')})` : ''}`,
    ...run.settles.map(({ what, outcome }) => `settle ${what}: ${outcome.settled ? 'settled' : 'NOT settled'} after ${(outcome.waitedMs / 1000).toFixed(1)} s (${outcome.how}); lag ${JSON.stringify(outcome.lags)}`),
    `notification delays during the chaos (other parties): ${run.chaosDelays}`,
    '',
    'invariants:',
    ...allFindings(findings).flatMap((f) => [
      `  ${f.count === 0 ? 'ok  ' : 'FAIL'} ${f.name}: ${f.count} — ${f.says}`,
      ...f.info.map((i) => `         ${i}`),
      ...f.examples.map((e) => `         e.g. ${e}`),
    ]),
    '',
    'timeline:',
    ...run.timeline.map((m) => `  ${seconds(m.at)}  ${m.what}`),
    '',
    `service logs, this report and evidence.txt (the messages of the customers each broken invariant is about): ${run.runDir}`,
  ];
  return lines.join('\n');
}

/** The message a failing invariant fails with: what it says, how often it broke, a few examples. */
export function failureOf(f: Finding): string {
  return [`${f.name}: broken ${f.count} time(s). ${f.says}`, ...f.info.map((i) => `  ${i}`), ...f.examples.map((e) => `  e.g. ${e}`)].join('\n');
}
