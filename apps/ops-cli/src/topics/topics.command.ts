import { topicOffsets } from '@mp/operations';
import type { Command } from 'commander';
import { action, OpsContext } from '../ops-context';
import { printJson, printLine } from '../output';
import { topicsView } from './topics.view';

export function topicsCommand(program: Command, context: OpsContext): void {
  program
    .command('topics')
    .description('list the contract topics with their partitions and end offsets')
    .option('--json', 'print JSON')
    .action(
      action(context, async (options: { json?: boolean }) => {
        const topics = await topicOffsets(context.kafka, context.settings);
        if (options.json) printJson(topics);
        else printLine(topicsView(topics));
      }),
    );
}
