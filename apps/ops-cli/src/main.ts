import 'reflect-metadata';
import { Command } from 'commander';
import { aclsCommand } from './acls/acls.command';
import { dlqCommand } from './dlq/dlq.command';
import { lagCommand } from './lag/lag.command';
import { OpsContext } from './ops-context';
import { paintErr } from './output';
import { publishCommand } from './publish/publish.command';
import { rebuildCommand } from './rebuild/rebuild.command';
import { tailCommand } from './tail/tail.command';
import { tokenCommand } from './token/token.command';
import { topicsCommand } from './topics/topics.command';

/**
 * `npm run ops -- <command>` (DESIGN §9): the ops CLI, against the Kafka and Redis the
 * environment names (the services' variables: KAFKA_BROKERS, KAFKA_NAMESPACE, REDIS_URL,
 * REDIS_KEY_PREFIX, AUTH_JWT_SECRET...). Exits 0 on success and 1 on failure, with one line on stderr.
 */
export function opsProgram(context = new OpsContext()): Command {
  const program = new Command('ops')
    .description('multipartner operations: topics, tail, lag, dead letters, rebuild, publish, token, acls')
    .showHelpAfterError('(ops --help lists the commands; ops <command> --help tells one)')
    .configureOutput({ outputError: (text, write) => write(paintErr('red', text)) });
  for (const add of [topicsCommand, tailCommand, lagCommand, dlqCommand, rebuildCommand, publishCommand, tokenCommand, aclsCommand]) add(program, context);
  return program;
}

async function main(): Promise<void> {
  const program = opsProgram();
  if (process.argv.length <= 2) {
    program.outputHelp({ error: true });
    process.exitCode = 1;
    return;
  }
  await program.parseAsync(process.argv);
}

if (require.main === module) {
  void main().then(
    () => process.exit(),
    (error: unknown) => {
      process.stderr.write(`ops: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
