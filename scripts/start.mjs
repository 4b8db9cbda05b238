#!/usr/bin/env node
// npm start: brings up what is missing (Node 24 when the machine's is too old, the dependencies,
// Kafka via the broker script or Docker, Redis), builds, and runs the four services with their logs
// in this terminal. Ctrl-C stops everything it started.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies, ensureNode } from './bootstrap.mjs';

await ensureNode('start');
ensureDependencies('start');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };
env.KAFKA_BROKERS ??= '127.0.0.1:9092';
env.REDIS_URL ??= 'redis://127.0.0.1:6379';
// The services' stdout is a pipe to this script: in a terminal, ask for pino-pretty's coloured lines.
env.LOG_FORMAT ??= process.stdout.isTTY ? 'pretty' : 'json';
env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
// A local run is a sandbox: its clock can be moved (the demo does), see libs/platform/src/sandbox-clock.ts.
env.SANDBOX_CLOCK ??= 'true';
env.SCHEDULER_INTERVAL_MS ??= '1000';
// A sandbox answers refusals for what is unknown sooner than production's 15 s (the demo shows one).
env.COMMAND_WAIT_SECONDS ??= '5';
// Webhooks go only to https: on public addresses, but for these hosts (a local run's receivers, the demo's).
env.WEBHOOK_ALLOWED_HOSTS ??= '127.0.0.1,localhost';
if (!env.WEBHOOK_SECRET) {
  env.WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
  console.log(`[start] WEBHOOK_SECRET not set: using a fresh one for this run: ${env.WEBHOOK_SECRET}`);
}

// Bearer tokens (DESIGN §10): on by default. Without AUTH_JWT_SECRET, a fresh one for this run,
// left (owner-only, git-ignored) where `npm run ops -- token` and `npm run demo` find it, and removed
// at the end (libs/operations/src/tokens/token-mint.ts, RUN_SECRET_FILE).
const runSecretFile = join(root, '.cache', 'start', 'auth-jwt-secret');
rmSync(runSecretFile, { force: true });
const authOff = env.AUTH_DISABLED === 'true';
const madeSecret = !authOff && !env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL;
if (madeSecret) {
  env.AUTH_JWT_SECRET = randomBytes(32).toString('base64url');
  mkdirSync(dirname(runSecretFile), { recursive: true });
  writeFileSync(runSecretFile, `${env.AUTH_JWT_SECRET}\n`, { mode: 0o600 });
}

const SERVICES = [
  ['directory-service', 36],
  ['request-service', 33],
  ['consent-service', 35],
  ['notification-service', 32],
];
const children = [];
const cleanups = [];
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' }).status === 0;

function kafkaAnswers() {
  return spawnSync('node', [join(root, 'scripts/kafka-ping.mjs'), env.KAFKA_BROKERS], { env, stdio: 'ignore' }).status === 0;
}

function redisAnswers() {
  const url = new URL(env.REDIS_URL);
  return new Promise((resolve) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port || 6379) }, () => socket.write('PING\r\n'));
    socket.setTimeout(1500, () => (socket.destroy(), resolve(false)));
    socket.on('data', (data) => (socket.destroy(), resolve(data.toString().startsWith('+PONG'))));
    socket.on('error', () => resolve(false));
  });
}

async function ensureInfra() {
  if (kafkaAnswers()) {
    console.log(`[start] Kafka answers on ${env.KAFKA_BROKERS}`);
  } else if (has('java') && has('mvn')) {
    if (!run('bash', ['scripts/kafka-broker.sh', 'start'])) throw new Error('the Kafka broker did not start');
    cleanups.push(() => run('bash', ['scripts/kafka-broker.sh', 'stop']));
  } else if (has('docker')) {
    if (!run('docker', ['compose', 'up', '-d', '--wait', 'kafka'])) throw new Error('docker compose could not start Kafka');
    cleanups.push(() => run('docker', ['compose', 'stop', 'kafka']));
  } else {
    throw new Error('no Kafka on KAFKA_BROKERS, and neither Java 17+ with Maven nor Docker to start one');
  }

  if (await redisAnswers()) {
    console.log(`[start] Redis answers on ${env.REDIS_URL}`);
  } else if (has('redis-server')) {
    const port = new URL(env.REDIS_URL).port || '6379';
    const redis = spawn('redis-server', ['--port', port, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    cleanups.push(() => redis.kill('SIGTERM'));
    for (let i = 0; i < 50 && !(await redisAnswers()); i++) await new Promise((r) => setTimeout(r, 100));
  } else if (has('docker')) {
    if (!run('docker', ['compose', 'up', '-d', '--wait', 'redis'])) throw new Error('docker compose could not start Redis');
    cleanups.push(() => run('docker', ['compose', 'stop', 'redis']));
  } else {
    throw new Error('no Redis on REDIS_URL, and neither redis-server nor Docker to start one');
  }
}

function startService(name, color) {
  const child = spawn('node', [join(root, 'dist/apps', name, 'src/main.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `\x1b[${color}m${name.padEnd(21)}\x1b[0m| `;
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.on('data', (chunk) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop();
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    console.log(`${prefix}exited (${signal ?? code})`);
    if (!stopping) void stop(1);
  });
  children.push(child);
}

/** How to call the HTTP APIs: a ready ops token, and how to mint others (with the run's secret). */
function printAccess() {
  if (authOff) {
    console.log('[start] AUTH_DISABLED=true: the HTTP APIs check no token, every caller is ops. Never in production.');
    return;
  }
  if (!env.AUTH_JWT_SECRET) {
    console.log('[start] tokens: signed by the keys of AUTH_JWKS_URL (your identity provider); no AUTH_JWT_SECRET, so none is minted here');
    return;
  }
  const minted = spawnSync('npm', ['run', '-s', 'ops', '--', 'token', '--role', 'ops', '--expires-in', '12h'], { cwd: root, env, encoding: 'utf8' });
  if (minted.status !== 0) {
    console.log(`[start] could not mint an ops token: ${minted.stderr.trim()}`);
    return;
  }
  const secretFrom = madeSecret ? 'made for this run (kept in .cache/start/auth-jwt-secret until it stops)' : 'AUTH_JWT_SECRET';
  console.log(`[start] bearer tokens are required on the HTTP APIs; the secret: ${secretFrom}. An ops token, valid 12 h:`);
  console.log(`\n${minted.stdout.trim()}\n`);
  console.log('[start] e.g. curl -H "Authorization: Bearer <token>" http://localhost:3000/v1/customers/<customerId>/resellers  (the console at /console: paste it under "Access token")');
  console.log('[start] others: npm run ops -- token --role customer-admin --customer <customerId> --sub <adminUserId>   |   npm run ops -- token --role reseller --partner <partnerId>');
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\n[start] stopping the services...');
  await Promise.all(
    children.filter((c) => c.exitCode === null).map((c) => new Promise((resolve) => (c.once('exit', resolve), c.kill('SIGTERM')))),
  );
  for (const cleanup of cleanups.reverse()) cleanup();
  rmSync(runSecretFile, { force: true });
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  await ensureInfra();
  console.log('[start] building...');
  if (!run('npm', ['run', '--silent', 'build'])) throw new Error('the build failed');
  // Minted before the services start, so the token is not lost among their first lines.
  printAccess();
  for (const [name, color] of SERVICES) startService(name, color);
  console.log('[start] directory http://localhost:3000/docs | Ctrl-C stops everything this started');
} catch (error) {
  console.error(`[start] ${error.message}`);
  await stop(1);
}
