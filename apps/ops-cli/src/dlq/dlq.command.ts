import { hostname, userInfo } from 'node:os';
import { deadLetterSummary, listDeadLetters, OperationError, readDeadLetter, replayDeadLetters, resolveTopic } from '@mp/operations';
import type { Command } from 'commander';
import { action, OpsContext } from '../ops-context';
import { wholeNumber } from '../options';
import { printJson, printLine } from '../output';
import { deadLetterDetailView, deadLetterListView, filterDeadLetters, replayView } from './dlq.view';

interface ListOptions {
  limit: number;
  class?: string;
  origin?: string;
  customer?: string;
  notReplayed?: boolean;
  json?: boolean;
}

interface ReplayCliOptions {
  id?: string[];
  all?: boolean;
  class?: string;
  force?: boolean;
  again?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

function operator(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `unknown@${hostname()}`;
  }
}

export function dlqCommand(program: Command, context: OpsContext): void {
  const dlq = program.command('dlq').description(`the dead letters (mp.dead-letters.v1): list, show, replay`);

  dlq
    .command('list')
    .summary('the dead letters, whether each was replayed')
    .description('the dead letters, newest last: where each came from, why it failed, whether it was replayed')
    .option('--limit <n>', 'show the newest n', wholeNumber(1), 50)
    .option('--class <errorClass>', 'only this error class (ValidationFailed, NotJson, HandlerFailed...)')
    .option('--origin <topic>', 'only those read from this topic')
    .option('--customer <customerId>', 'only those of this customer')
    .option('--not-replayed', 'only those not replayed yet')
    .option('--json', 'print JSON: {summary, deadLetters} (every match, --limit aside)')
    .action(
      action(context, async (options: ListOptions) => {
        const all = await listDeadLetters(context.kafka, context.settings);
        const letters = filterDeadLetters(all, { errorClass: options.class, origin: options.origin ? resolveTopic(options.origin) : undefined, customer: options.customer, notReplayed: options.notReplayed });
        const summary = deadLetterSummary(letters);
        if (options.json) printJson({ summary, deadLetters: letters });
        else printLine(deadLetterListView(letters, summary, options.limit));
      }),
    );

  dlq
    .command('show')
    .summary('one dead letter, with its original message')
    .description('one dead letter: its provenance, its failure and validation errors, its replays and the original message')
    .argument('<id>', 'the dead letter\'s id, <partition>-<offset> (see dlq list)')
    .option('--json', 'print JSON')
    .action(
      action(context, async (id: string, options: { json?: boolean }) => {
        const letter = await readDeadLetter(context.kafka, context.settings, id);
        if (options.json) printJson(letter);
        else printLine(deadLetterDetailView(letter));
      }),
    );

  dlq
    .command('replay')
    .summary('put dead letters back on their origin topic, with an audit trail')
    .description('put dead letters back on their origin topic: the original bytes and headers, plus mp-replayed-from, mp-replayed-at and mp-replay-count; an audit record on the dead-letters topic tells it was replayed')
    .option('--id <id...>', 'the dead letters to replay')
    .option('--all', 'every dead letter not replayed yet')
    .option('--class <errorClass>', 'with --all: only this error class')
    .option('--force', 'also a message that would fail the checks again (it will be dead-lettered again)')
    .option('--again', 'also a dead letter replayed before')
    .option('--dry-run', 'say what would be replayed, refused and skipped, and write nothing')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nA message that would still fail the services\' checks is refused unless --force. Exits 1 when anything was refused (or, with --id, skipped).')
    .action(
      action(context, async (options: ReplayCliOptions) => {
        if (options.class && !options.all) throw new OperationError('--class goes with --all');
        const outcomes = await replayDeadLetters(context.kafka, context.settings, { ids: options.id, all: options.all, errorClass: options.class, force: options.force, again: options.again, dryRun: options.dryRun, by: operator() });
        if (options.json) printJson(outcomes);
        else printLine(replayView(outcomes));
        const failed = outcomes.some((o) => o.outcome === 'refused' || (o.outcome === 'skipped' && !options.all));
        return failed ? 1 : 0;
      }),
    );
}
