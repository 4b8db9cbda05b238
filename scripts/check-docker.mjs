#!/usr/bin/env node
// CI's Docker check, on a machine without a Docker engine: the Compose file is valid (`docker compose
// config`, or Debian's docker-compose), every service it builds from the Dockerfile names one of the
// four services, and each of them has the entry point the image runs: dist/apps/<SERVICE>/src/main.js,
// the file `npm run service` starts (scripts/service.mjs) and the tests run, built from
// apps/<SERVICE>/src/main.ts. Nothing is built or pulled: images are not exercised here.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './bootstrap.mjs';

const problems = [];
const compose = ['docker compose', 'docker-compose'].find((cmd) => spawnSync('sh', ['-c', `${cmd} version`], { stdio: 'ignore' }).status === 0);
if (compose) {
  const config = spawnSync('sh', ['-c', `${compose} -f docker-compose.yml config -q`], { cwd: ROOT, encoding: 'utf8' });
  if (config.status === 0) console.log(`docker-compose.yml: valid (${compose} config)`);
  else problems.push(`${compose} config rejects docker-compose.yml:\n${config.stderr}`);
} else {
  console.log('docker-compose.yml: not checked (neither `docker compose` nor `docker-compose` is installed)');
}

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const entry = 'dist/apps/${SERVICE';
if (!dockerfile.includes(`node ${entry}`) || !dockerfile.includes('}/src/main.js')) {
  problems.push('the Dockerfile no longer starts dist/apps/${SERVICE}/src/main.js: update this check with it');
}
const serviceScript = readFileSync(join(ROOT, 'scripts', 'service.mjs'), 'utf8');
if (!serviceScript.includes("join(root, 'dist', 'apps', name, 'src', 'main.js')")) {
  problems.push('scripts/service.mjs no longer starts dist/apps/<name>/src/main.js, the Dockerfile entry point');
}

const composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const services = [...composeText.matchAll(/^\s+SERVICE:\s*([\w-]+)\s*$/gm)].map((m) => m[1]);
if (services.length !== 4) problems.push(`docker-compose.yml sets SERVICE for ${services.length} services, expected the four`);
for (const name of services) {
  if (existsSync(join(ROOT, 'apps', name, 'src', 'main.ts'))) console.log(`image entry point for ${name}: apps/${name}/src/main.ts -> dist/apps/${name}/src/main.js`);
  else problems.push(`docker-compose.yml runs SERVICE=${name}, but apps/${name}/src/main.ts does not exist`);
}

const kafkaImage = composeText.match(/image:\s*apache\/kafka:(\S+)/)?.[1];
const pinned = readFileSync(join(ROOT, 'scripts', 'kafka-broker.sh'), 'utf8').match(/KAFKA_VERSION="\$\{KAFKA_VERSION:-([\d.]+)\}"/)?.[1];
if (!kafkaImage || kafkaImage !== pinned) problems.push(`docker-compose.yml runs apache/kafka:${kafkaImage}, the broker script pins ${pinned}: keep them the same`);
else console.log(`Kafka image apache/kafka:${kafkaImage} = the broker script's pinned version`);

if (problems.length > 0) {
  for (const problem of problems) console.error(`check-docker: ${problem}`);
  process.exit(1);
}
