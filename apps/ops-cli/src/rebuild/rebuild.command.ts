import { createInterface } from 'node:readline/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { countDirectoryKeys, DIRECTORY_GROUP, DIRECTORY_KEYS, directoryRebuildProgress, forgetDirectoryReadModels, OperationError, RebuildProgress } from '@mp/operations';
import type { Command } from 'commander';
import { action, OpsContext } from '../ops-context';
import { seconds, stopSignal } from '../options';
import { count, note, paint, printLine } from '../output';
import { progressLine, progressTable } from './rebuild.view';

interface RebuildOptions {
  yes?: boolean;
  wait: boolean;
  timeout?: number;
}

async function confirmed(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

/** Progress on standard error: one line rewritten in a terminal, else a line each time it changes. */
function progressPrinter(): { show: (line: string) => void; end: () => void } {
  let last = '';
  const tty = process.stderr.isTTY;
  return {
    show: (line) => {
      const shown = line.replace(/^\d+ s: /, '');
      if (tty) process.stderr.write(`\r\x1b[2K${line}`);
      else if (shown !== last) note(line);
      last = shown;
    },
    end: () => {
      if (tty && last) process.stderr.write('\n');
    },
  };
}

export function rebuildCommand(program: Command, context: OpsContext): void {
  program
    .command('rebuild')
    .summary("rebuild the directory's read models from Kafka, with progress")
    .description("rebuild the directory's read models from Kafka: forget them in Redis in one step, and the running directory-service rebuilds them from the topics as after a loss of Redis (queries answer 503 meanwhile); shows the progress until it is done")
    .option('--yes', 'go on without asking')
    .option('--no-wait', 'return once the read models are forgotten; the directory rebuilds them meanwhile')
    .option('--timeout <seconds>', 'stop watching after this long, and exit 1 if not done (the rebuild goes on)', seconds)
    .action(
      action(context, async (options: RebuildOptions) => {
        const redis = await context.redis();
        const settings = { ...context.settings, keyPrefix: context.keyPrefix };
        const before = await directoryRebuildProgress(context.kafka, redis, settings);
        const group = `${settings.namespace}${DIRECTORY_GROUP}`;
        if (before.members === 0 && options.wait) {
          throw new OperationError(`no directory-service is running (its group ${group} has no member): the read models are rebuilt by a running directory; start one, or pass --no-wait to forget them now and have them rebuilt when one starts`);
        }
        const keys = await countDirectoryKeys(redis, settings.keyPrefix);
        const plan = `This forgets the directory's read models (${count(keys)} keys under ${settings.keyPrefix}${DIRECTORY_KEYS}) and has the directory-service (${before.members} instance${before.members === 1 ? '' : 's'}) rebuild them from ${before.partitions.length} partitions (${count(before.partitions.reduce((s, p) => s + p.end, 0))} messages); its queries answer 503 until it is done.`;
        if (!options.yes) {
          if (!process.stdin.isTTY) throw new OperationError(`refusing without --yes: ${plan}`);
          if (!(await confirmed(`${plan}\nType yes to go on: `))) {
            note('nothing was done');
            return 1;
          }
        }
        const started = Date.now();
        const deleted = await forgetDirectoryReadModels(redis, settings.keyPrefix);
        note(`forgot ${count(deleted)} keys; the directory rebuilds its read models from the topics`);
        if (!options.wait) return 0;

        const stop = stopSignal(options.timeout);
        const printer = progressPrinter();
        let progress: RebuildProgress = before;
        try {
          for (;;) {
            progress = await directoryRebuildProgress(context.kafka, redis, settings);
            printer.show(progressLine(progress, (Date.now() - started) / 1000));
            if (progress.done || stop.signal.aborted) break;
            await sleep(1_000, undefined, { signal: stop.signal }).catch(() => undefined);
          }
        } finally {
          printer.end();
          stop.dispose();
        }
        printLine(progressTable(progress));
        if (progress.done) {
          printLine(`${paint('green', 'rebuilt')}: ${progress.partitions.length} partitions, ${count(progress.total)} messages, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
          return 0;
        }
        throw new OperationError(`${stop.timedOut() ? `not done within ${options.timeout} s` : 'stopped watching'}: the directory goes on rebuilding (\`npm run ops -- lag\` shows how far its group is)`);
      }),
    );
}
