import type { DeadLetter, DeadLetterDetail, DeadLetterSummary, ReplayOutcome } from '@mp/operations';
import { errorLines } from '@mp/operations';
import { clip, count, paint, table } from '../output';

export interface DeadLetterFilter {
  errorClass?: string;
  origin?: string;
  customer?: string;
  notReplayed?: boolean;
}

export function filterDeadLetters(letters: readonly DeadLetter[], filter: DeadLetterFilter): DeadLetter[] {
  return letters.filter(
    (l) =>
      (!filter.errorClass || l.errorClass === filter.errorClass) &&
      (!filter.origin || l.origin.topic === filter.origin) &&
      (!filter.customer || l.customerId === filter.customer || l.key === filter.customer) &&
      (!filter.notReplayed || l.replays.length === 0),
  );
}

function replayedText(letter: DeadLetter): string {
  if (letter.replays.length === 0) return paint('yellow', 'no');
  const last = letter.replays[letter.replays.length - 1];
  return paint('green', `${letter.replays.length}× → ${last.to.partition}@${last.to.offset}${last.forced ? ' (forced)' : ''}`);
}

/** `ops dlq list`: the newest `limit` dead letters, oldest of them first, then the counts. */
export function deadLetterListView(letters: readonly DeadLetter[], summary: DeadLetterSummary, limit: number): string {
  const shown = letters.slice(-limit);
  const rows = shown.map((l) => [
    paint('bold', l.id),
    l.writtenAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    `${l.origin.topic} ${l.origin.partition ?? '?'}@${l.origin.offset ?? '?'}`,
    l.errorClass,
    l.type ?? '-',
    l.customerId ?? l.key ?? '-',
    replayedText(l) + (l.replayOf ? paint('dim', ` (was replay ${l.replayOf.count})`) : ''),
  ]);
  const byClass = Object.entries(summary.byErrorClass).map(([c, n]) => `${c} ${n}`).join(', ');
  const head = `${count(summary.total)} dead letter${summary.total === 1 ? '' : 's'}, ${count(summary.notReplayed)} not replayed${byClass ? ` (${byClass})` : ''}`;
  if (shown.length === 0) return head;
  const more = letters.length > shown.length ? paint('dim', `\nthe last ${shown.length} of ${letters.length} shown (--limit)`) : '';
  return `${table(['id', 'dead-lettered at', 'origin (partition@offset)', 'class', 'type', 'customer', 'replayed'], rows)}\n${head}${more}`;
}

/** `ops dlq show`: everything about one dead letter, its original last. */
export function deadLetterDetailView(letter: DeadLetterDetail): string {
  const field = (name: string, value: string | number | null | undefined) => `${paint('bold', `${name}:`.padEnd(18))}${value ?? '-'}`;
  const lines = [
    field('dead letter', letter.id),
    field('dead-lettered at', letter.writtenAt),
    field('origin', `${letter.origin.topic} partition ${letter.origin.partition ?? '?'} offset ${letter.origin.offset ?? '?'}`),
    field('consumer group', letter.origin.group),
    field('error', `${paint('red', letter.errorClass)}: ${letter.errorMessage}`),
    ...errorLines(letter.validationErrors).map((line) => `${' '.repeat(18)}${line}`),
    field('attempts', letter.attempts),
    field('failed', letter.firstFailureAt === letter.lastFailureAt ? letter.firstFailureAt : `${letter.firstFailureAt} .. ${letter.lastFailureAt}`),
    field('key', letter.key),
    field('type', letter.type),
    field('message id', letter.messageId),
    field('customer', letter.customerId),
  ];
  if (letter.replayOf) lines.push(field('a replay of', `${letter.replayOf.from} (replay ${letter.replayOf.count})`));
  lines.push(field('replayed', letter.replays.length === 0 ? 'no' : ''));
  for (const r of letter.replays) lines.push(`  ${r.replayedAt} by ${r.by} to ${r.to.topic} partition ${r.to.partition} offset ${r.to.offset}${r.forced ? ' (forced)' : ''}, audit record ${r.recordId}`);
  if (letter.originalDropped !== undefined) lines.push(field('original', paint('yellow', `not kept: ${letter.originalDropped}`)));
  else {
    lines.push(field('original', `${count(letter.original.bytes)} bytes${letter.original.encoding === 'base64' ? ', not UTF-8: base64' : ''}`));
    for (const [name, value] of Object.entries(letter.original.headers)) lines.push(`  ${paint('dim', `${name}: ${clip(value, 200)}`)}`);
    lines.push(prettyValue(letter.original.value, letter.original.encoding));
  }
  return lines.join('\n');
}

function prettyValue(value: string | null, encoding: 'utf8' | 'base64'): string {
  if (value === null) return '(no value)';
  if (encoding === 'utf8') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return value;
}

/** `ops dlq replay`: one line per dead letter (with the reasons under a refusal), then the counts. */
export function replayView(outcomes: readonly ReplayOutcome[]): string {
  const lines = outcomes.flatMap((o) => {
    if ('reason' in o) {
      const verb = o.outcome === 'refused' ? paint('red', 'refused') : paint('yellow', 'skipped');
      return [`${verb} ${paint('bold', o.id)}: ${o.reason}`, ...o.details.map((d) => `    ${d}`)];
    }
    const to = 'offset' in o.to ? `${o.to.topic} partition ${o.to.partition} offset ${o.to.offset}` : `${o.to.topic} partition ${o.to.partition}`;
    const verb = o.outcome === 'replayed' ? paint('green', 'replayed') : paint('cyan', 'would replay');
    return [`${verb} ${paint('bold', o.id)} → ${to} (replay ${o.count}${o.forced ? ', forced past its checks' : ''}${o.outcome === 'replayed' ? `; audit record ${o.auditRecord}` : ''})`];
  });
  const tally = (kind: ReplayOutcome['outcome']) => outcomes.filter((o) => o.outcome === kind).length;
  const replayed = tally('replayed') + tally('would-replay');
  const summary = `${replayed} ${tally('would-replay') ? 'would be replayed' : 'replayed'}, ${tally('refused')} refused, ${tally('skipped')} skipped`;
  return outcomes.length === 0 ? 'no dead letter to replay' : `${lines.join('\n')}\n${summary}`;
}
