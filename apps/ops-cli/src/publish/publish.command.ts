import { readFile } from 'node:fs/promises';
import { OperationError, publishEnvelopes, resolveTopic } from '@mp/operations';
import type { Command } from 'commander';
import { action, OpsContext } from '../ops-context';
import { paint, printJson, printLine } from '../output';

/** The JSON of a file, or a refusal naming the file and what is wrong with it. */
async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new OperationError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OperationError(`${file} is not JSON: ${(error as Error).message}`);
  }
}

export function publishCommand(program: Command, context: OpsContext): void {
  program
    .command('publish')
    .summary('send the envelope(s) of a JSON file to a topic, validated first')
    .description("send the CloudEvents envelope(s) of a JSON file to a topic, checked first exactly as the services' consumers check them (nothing is sent when one fails)")
    .argument('<topic>', 'a contract topic: mp.request-commands.v1, or request-commands')
    .argument('<file.json>', 'one envelope {specversion, id, type, source, time, data...}, or a list of them')
    .option('--stamp', 'fill in what the file leaves out: specversion, a fresh id, source (ops-cli), time (now), datacontenttype, subject')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  npm run ops -- publish request-commands request.json --stamp')
    .action(
      action(context, async (name: string, file: string, options: { stamp?: boolean; json?: boolean }) => {
        const topic = resolveTopic(name);
        const plain = await readJsonFile(file);
        const published = await publishEnvelopes(context.kafka, context.settings, topic, plain, { stamp: options.stamp });
        if (options.json) printJson(published);
        else for (const p of published) printLine(`${paint('green', 'sent')} ${p.type} ${paint('bold', p.id)} to ${p.topic} partition ${p.partition} offset ${p.offset}`);
      }),
    );
}
