import { consumerLag, SERVICE_GROUPS } from '@mp/operations';
import type { Command } from 'commander';
import { action, OpsContext } from '../ops-context';
import { printJson, printLine } from '../output';
import { lagView } from './lag.view';

export function lagCommand(program: Command, context: OpsContext): void {
  program
    .command('lag')
    .summary("committed offset, end offset and lag of each service's consumer group")
    .description("each service's consumer group per topic and partition: committed offset, end offset, lag")
    .option('--group <name...>', `groups to show, as the services name them (default: ${SERVICE_GROUPS.join(', ')})`)
    .option('--all-partitions', 'also the partitions nothing was written to yet')
    .option('--json', 'print JSON (every partition)')
    .action(
      action(context, async (options: { group?: string[]; allPartitions?: boolean; json?: boolean }) => {
        const groups = await consumerLag(context.kafka, context.settings, options.group ?? SERVICE_GROUPS);
        if (options.json) printJson(groups);
        else printLine(lagView(groups, options.allPartitions));
      }),
    );
}
