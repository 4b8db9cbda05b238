import { accessSync, constants } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Environment } from './environment';
import { variables } from './variable';

export type RawEnv = Record<string, string | undefined>;

/** A start refused for bad configuration: one line per variable at fault, each naming it. */
export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigurationError';
  }
}

/**
 * Reads and checks every variable of `Environment` from `env`: defaults for the absent or empty,
 * then each rule, then the rules between variables. Throws a `ConfigurationError` listing every
 * bad value at once; the value of a secret is never repeated in it.
 */
export function readEnvironment(env: RawEnv = process.env, { required = [], authenticates = false }: { required?: Array<keyof Environment>; authenticates?: boolean } = {}): Environment {
  const docs = new Map(variables().map((v) => [v.name, v]));
  const raw: Record<string, string | undefined> = {};
  for (const v of docs.values()) {
    const given = env[v.name];
    raw[v.name] = given === undefined || given.trim() === '' ? v.default : given;
  }
  const environment = plainToInstance(Environment, raw);
  const problems = validateSync(environment, { forbidUnknownValues: false }).map((error) => {
    const doc = docs.get(error.property);
    const rule = Object.values(error.constraints ?? {})[0] ?? 'is not valid';
    return `${error.property} ${rule}${doc?.secret ? '' : `, got "${raw[error.property]}"`}`;
  });
  for (const name of required) if (raw[name] === undefined) problems.push(`${name} is required: ${docs.get(name)?.meaning ?? ''}`);
  problems.push(...between(environment, problems));
  const auth = authenticates ? authenticationProblem(environment) : undefined;
  if (auth) problems.push(auth);
  if (problems.length) throw new ConfigurationError(problems);
  return environment;
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Rules that tie variables together, checked once each alone is right. */
function between(e: Environment, problems: string[]): string[] {
  const found: string[] = [];
  const bad = (name: keyof Environment) => problems.some((p) => p.startsWith(`${name} `));
  if (!bad('KAFKA_HEARTBEAT_INTERVAL_MS') && !bad('KAFKA_SESSION_TIMEOUT_MS') && e.KAFKA_HEARTBEAT_INTERVAL_MS * 3 > e.KAFKA_SESSION_TIMEOUT_MS) {
    found.push(`KAFKA_HEARTBEAT_INTERVAL_MS must be at most a third of KAFKA_SESSION_TIMEOUT_MS (${e.KAFKA_SESSION_TIMEOUT_MS}), got "${e.KAFKA_HEARTBEAT_INTERVAL_MS}"`);
  }
  if (!bad('KAFKA_SSL_CA_FILE') && e.KAFKA_SSL_CA_FILE !== undefined) {
    if (!e.KAFKA_SSL) found.push('KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not true: TLS is off');
    else if (!readable(e.KAFKA_SSL_CA_FILE)) found.push(`KAFKA_SSL_CA_FILE cannot be read: "${e.KAFKA_SSL_CA_FILE}"`);
  }
  if (!bad('KAFKA_SASL_MECHANISM') && e.KAFKA_SASL_MECHANISM && (!e.KAFKA_SASL_USERNAME || e.KAFKA_SASL_PASSWORD === undefined)) {
    found.push('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM');
  }
  return found;
}

/**
 * DESIGN §10: authentication is on by default, so a service that checks bearer tokens needs a way
 * to verify them (`AUTH_JWT_SECRET` or `AUTH_JWKS_URL`) unless `AUTH_DISABLED=true` says otherwise.
 */
export function authenticationProblem(e: Pick<Environment, 'AUTH_JWT_SECRET' | 'AUTH_JWKS_URL' | 'AUTH_DISABLED'>): string | undefined {
  if (e.AUTH_DISABLED === true || e.AUTH_JWT_SECRET || e.AUTH_JWKS_URL) return undefined;
  return 'AUTH_JWT_SECRET or AUTH_JWKS_URL is required to verify bearer tokens (AUTH_DISABLED=true turns authentication off)';
}
