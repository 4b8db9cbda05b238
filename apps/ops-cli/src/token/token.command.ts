import { localSigningSecret, mintToken, ROLES, RUN_SECRET_FILE } from '@mp/operations';
import { Option, type Command } from 'commander';
import { action, OpsContext } from '../ops-context';
import { printJson, printLine } from '../output';

interface TokenOptions {
  role: string;
  customer?: string;
  partner?: string;
  sub?: string;
  expiresIn: string;
  json?: boolean;
}

export function tokenCommand(program: Command, context: OpsContext): void {
  program
    .command('token')
    .summary('mint a bearer token for the local auth secret')
    .description(`mint a bearer token (HS256 JWT) for the local auth secret AUTH_JWT_SECRET (unset: the one the npm start running here made, in ${RUN_SECRET_FILE}), with the claims of DESIGN §10`)
    .addOption(new Option('--role <role>', 'who the token is for').choices(ROLES).makeOptionMandatory())
    .addOption(new Option('--customer <customerId>', 'the customer of a customer-admin').conflicts('partner'))
    .option('--partner <partnerId>', 'the partner (reseller or indirect provider) of a reseller')
    .option('--sub <userId>', 'the user (sub); an admin of the customer to act as one (default: ops, <partner>-user, <customer>-admin)')
    .option('--expires-in <duration>', 'how long it is valid: 30m, 12h, 7d', '1h')
    .option('--json', 'print JSON: the token, its claims and when it expires')
    .addHelpText('after', '\nPrints the token alone, for a script:\n  TOKEN=$(npm run -s ops -- token --role customer-admin --customer cust-1 --sub admin-1)\n  curl -H "Authorization: Bearer $TOKEN" localhost:3000/v1/customers/cust-1/resellers')
    .action(
      action(context, async (options: TokenOptions) => {
        const env = context.environment;
        const minted = await mintToken(
          { role: options.role, customer: options.customer, partner: options.partner, subject: options.sub, expiresIn: options.expiresIn },
          { secret: localSigningSecret(env.AUTH_JWT_SECRET), issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE },
        );
        if (options.json) printJson(minted);
        else printLine(minted.token);
      }),
    );
}
