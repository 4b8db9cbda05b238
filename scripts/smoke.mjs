#!/usr/bin/env node
// node scripts/smoke.mjs: the four services, from the built code (dist/), start on the Node running
// this script and answer ready against the Kafka and Redis of KAFKA_BROKERS / REDIS_URL; then they
// stop gracefully. CI runs it on the oldest Node that package.json supports (22.12), since the test
// suite itself needs Node 24.9+ (Jest loads the ES-module dependencies only there).
// Everything it makes lives in its own Kafka namespace and Redis key prefix and is deleted afterwards.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './bootstrap.mjs';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');
const Redis = require('ioredis');

const run = randomBytes(4).toString('hex');
const namespace = `smoke-${run}.`;
const keyPrefix = `smoke-${run}:`;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const basePort = Number(process.env.SMOKE_BASE_PORT ?? 3900);
const services = [
  ['directory-service', 'DIRECTORY_PORT'],
  ['request-service', 'REQUEST_PORT'],
  ['consent-service', 'CONSENT_PORT'],
  ['notification-service', 'NOTIFICATION_PORT'],
].map(([name, portEnv], i) => ({ name, portEnv, port: basePort + i }));

const env = {
  ...process.env,
  KAFKA_NAMESPACE: namespace,
  REDIS_KEY_PREFIX: keyPrefix,
  KAFKA_BROKERS: brokers.join(','),
  REDIS_URL: redisUrl,
  WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
  // The directory, request- and consent-service check bearer tokens and refuse to start without a way to.
  AUTH_JWT_SECRET: randomBytes(32).toString('base64url'),
  LOG_LEVEL: 'warn',
  KAFKAJS_NO_PARTITIONER_WARNING: '1',
  // Node 22 still calls require(esm) experimental; it is what the services rely on, and it works.
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --disable-warning=ExperimentalWarning`.trim(),
};
for (const s of services) env[s.portEnv] = String(s.port);

console.log(`smoke: Node ${process.version}: the four services, namespace ${namespace}`);
const children = services.map((s) => {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'service.mjs'), s.name], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const started = { ...s, child, exited: undefined };
  child.on('exit', (code, signal) => (started.exited = `${signal ?? code}`));
  return started;
});

async function ready(port) {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200;
  } catch {
    return false;
  }
}

let failed = false;
const deadline = Date.now() + 120_000;
for (const s of children) {
  while (!(await ready(s.port))) {
    if (s.exited !== undefined || Date.now() > deadline) {
      console.error(`smoke: ${s.name} ${s.exited !== undefined ? `exited (${s.exited})` : 'was not ready within 120 s'}`);
      failed = true;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (failed) break;
  console.log(`smoke: ${s.name} ready on :${s.port}`);
}

await Promise.all(
  children.map(
    (s) =>
      new Promise((resolve) => {
        if (s.exited !== undefined) return resolve();
        s.child.once('exit', resolve);
        s.child.kill('SIGTERM');
      }),
  ),
);
for (const s of children) {
  if (!failed && s.exited !== '0') {
    console.error(`smoke: ${s.name} did not stop cleanly (${s.exited})`);
    failed = true;
  }
}

const kafka = new Kafka({ clientId: 'smoke', brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const topics = (await admin.listTopics()).filter((t) => t.startsWith(namespace));
if (topics.length > 0) await admin.deleteTopics({ topics });
const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(namespace));
if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
await admin.disconnect();
const redis = new Redis(redisUrl);
await redis.eval("local keys = redis.call('KEYS', ARGV[1]) for i = 1, #keys, 1000 do redis.call('UNLINK', unpack(keys, i, math.min(i + 999, #keys))) end return #keys", 0, `${keyPrefix}*`);
redis.disconnect();

console.log(failed ? 'smoke: FAILED' : `smoke: all four services started, answered ready and stopped cleanly on Node ${process.version}`);
process.exit(failed ? 1 : 0);
