#!/usr/bin/env node
// npm run service -- <name>: starts ONE service from the built code (dist/, made by `npm run build`),
// against the Kafka and Redis named by the environment (DESIGN §3). This is how a service is
// deployed, scaled out (start it twice with different HTTP ports: the consumer group splits the
// partitions) and how the fault tests kill and restart one.
//
// The service runs inside this very process (no child), so a signal sent to this process, SIGTERM
// for a graceful shutdown or SIGKILL, reaches the service itself.
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isNewEnough, OLDEST_NODE } from './bootstrap.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

if (!isNewEnough(process.versions.node)) {
  console.error(
    `service: Node ${process.version} is too old: the services need Node >= ${OLDEST_NODE.join('.')} (Node 24 LTS is the target). ` +
      '`node scripts/bootstrap.mjs node-bin` installs Node 24 into .cache/node and prints its directory.',
  );
  process.exit(1);
}

/** Each service and the env var of its HTTP port (DESIGN §3). */
const SERVICES = {
  'directory-service': { portEnv: 'DIRECTORY_PORT', defaultPort: 3000 },
  'request-service': { portEnv: 'REQUEST_PORT', defaultPort: 3001 },
  'consent-service': { portEnv: 'CONSENT_PORT', defaultPort: 3002 },
  'notification-service': { portEnv: 'NOTIFICATION_PORT', defaultPort: 3003 },
};

function mainOf(name) {
  return join(root, 'dist', 'apps', name, 'src', 'main.js');
}

function usage() {
  const names = Object.entries(SERVICES)
    .map(([name, { portEnv, defaultPort }]) => `  ${name.padEnd(21)} HTTP :${defaultPort} (${portEnv})`)
    .join('\n');
  return [
    'usage: npm run service -- <name>',
    '',
    'Starts one service from the built code (run `npm run build` first), against the Kafka and',
    'Redis of the environment (KAFKA_BROKERS, REDIS_URL, REDIS_KEY_PREFIX, KAFKA_NAMESPACE...).',
    '',
    names,
    '',
    'Two instances of one service: give each its own HTTP port, e.g.',
    '  CONSENT_PORT=3002 npm run service -- consent-service',
    '  CONSENT_PORT=3012 npm run service -- consent-service',
  ].join('\n');
}

const fail = (message, code) => {
  console.error(`service: ${message}`);
  process.exit(code);
};

const args = process.argv.slice(2);
if (args.includes('-h') || args.includes('--help')) {
  console.log(usage());
  process.exit(0);
}
if (args.length !== 1) fail(`expected exactly one service name, got ${args.length ? args.join(' ') : 'none'}\n\n${usage()}`, 2);

const name = args[0];
if (!Object.hasOwn(SERVICES, name)) {
  fail(`unknown service "${name}"; the services are: ${Object.keys(SERVICES).join(', ')}`, 2);
}
const main = mainOf(name);
if (!existsSync(main)) {
  fail(`${relative(root, main)} does not exist: build first with \`npm run build\``, 1);
}

process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
await import(pathToFileURL(main).href);
