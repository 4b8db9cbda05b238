import { applyServiceAcls, serviceAcls, servicesWithAcls } from '@mp/operations';
import { InvalidArgumentError, type Command } from 'commander';
import { action, OpsContext } from '../ops-context';
import { note, printJson, printLine } from '../output';
import { aclsView } from './acls.view';

interface AclsOptions {
  apply?: boolean;
  service?: string[];
  principal: Record<string, string>;
  createTopics: boolean;
  json?: boolean;
}

/** `--principal request-service=User:req`, repeatable: which principal a service runs as. */
function principalOption(value: string, previous: Record<string, string>): Record<string, string> {
  const match = /^([a-z-]+)=(\S+:\S+)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('it must be <service>=<principal>, such as request-service=User:req.');
  return { ...previous, [match[1]]: match[2] };
}

export function aclsCommand(program: Command, context: OpsContext): void {
  program
    .command('acls')
    .summary("print (or apply) the Kafka ACLs each service's principal needs")
    .description(
      "print the Kafka ACLs each service's principal needs, derived from the contract (who reads and writes each topic, " +
        'the AsyncAPI document), for the topics and groups of KAFKA_NAMESPACE; --apply writes them to the broker (as a super user)',
    )
    .option('--apply', 'create the ACLs on the broker (creating one that exists changes nothing; nothing is deleted)')
    .option('--service <name...>', `only these services (${servicesWithAcls().map((p) => p.name).join(', ')})`)
    .option('--principal <service=principal>', 'the principal a service runs as, repeatable (default User:<service>)', principalOption, {})
    .option('--no-create-topics', 'leave out CREATE on the topics: they are then created by ops before the services start')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nAs the super user, e.g. against the SASL broker of scripts/kafka-broker.sh:\n  KAFKA_SASL_MECHANISM=scram-sha-512 KAFKA_SASL_USERNAME=admin KAFKA_SASL_PASSWORD=... npm run ops -- acls --apply')
    .action(
      action(context, async (options: AclsOptions) => {
        const acls = serviceAcls(context.settings, { principals: options.principal, services: options.service, createTopics: options.createTopics });
        if (options.apply) await applyServiceAcls(context.kafka, acls);
        if (options.json) printJson({ applied: options.apply === true, acls });
        else printLine(aclsView(acls));
        const count = new Set(acls.map((a) => a.principal)).size;
        const principals = `${count} principal${count === 1 ? '' : 's'}`;
        if (options.apply) note(`applied ${acls.length} ACLs for ${principals} on ${context.settings.brokers.join(',')}`);
        else if (!options.json) note(`${acls.length} ACLs for ${principals}, not applied (--apply writes them)`);
      }),
    );
}
