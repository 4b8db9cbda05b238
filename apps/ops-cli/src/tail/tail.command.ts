import { resolveTopic, tailTopic } from '@mp/operations';
import type { Command } from 'commander';
import { action, OpsContext } from '../ops-context';
import { seconds, stopSignal, wholeNumber } from '../options';
import { note, printLine } from '../output';
import { tailLine } from './tail.view';

interface TailOptions {
  type?: string;
  customer?: string;
  fromBeginning?: boolean;
  follow?: boolean;
  max?: number;
  timeout?: number;
  json?: boolean;
}

export function tailCommand(program: Command, context: OpsContext): void {
  program
    .command('tail')
    .summary('print the messages of a topic, decoded, one a line')
    .description('print the messages of a topic, decoded, one a line: new ones as they come (Ctrl-C stops), or --from-beginning up to the end')
    .argument('<topic>', 'a contract topic: mp.request-events.v1, or request-events')
    .option('--type <type>', 'only messages of this CloudEvents type')
    .option('--customer <customerId>', 'only messages of this customer')
    .option('--from-beginning', 'from the oldest message kept, up to the end as it is now')
    .option('--follow', 'with --from-beginning: go on with new messages once the end is reached')
    .option('--max <n>', 'stop after this many messages', wholeNumber(1))
    .option('--timeout <seconds>', 'stop after this long', seconds)
    .option('--json', 'one JSON object a line (partition, offset, key, headers, envelope)')
    .addHelpText('after', '\nExamples:\n  npm run ops -- tail request-events --customer cust-1\n  npm run ops -- tail mp.relationship-events.v1 --from-beginning --type RelationshipEstablished --json')
    .action(
      action(context, async (name: string, options: TailOptions) => {
        const topic = resolveTopic(name);
        const stop = stopSignal(options.timeout);
        const follows = options.follow || !options.fromBeginning;
        try {
          const shown = await tailTopic(context.kafka, context.settings, {
            topic,
            filter: { type: options.type, customer: options.customer },
            fromBeginning: options.fromBeginning,
            follow: options.follow,
            max: options.max,
            signal: stop.signal,
            onReady: () => {
              if (follows) note(`following ${topic}${options.fromBeginning ? ' from the beginning' : ' from its end'} (Ctrl-C to stop)`);
            },
            onMessage: (message) => printLine(options.json ? JSON.stringify(message) : tailLine(message)),
          });
          note(`${shown} message${shown === 1 ? '' : 's'}${stop.timedOut() ? ` (stopped after ${options.timeout} s)` : ''}`);
        } finally {
          stop.dispose();
        }
      }),
    );
}
