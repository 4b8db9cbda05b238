#!/usr/bin/env node
// Is a real Kafka broker answering?  Exit 0 if yes, 1 if not.
//
//   node scripts/kafka-ping.mjs [brokers]      brokers: "host:port[,host:port...]",
//                                              default $KAFKA_BROKERS or 127.0.0.1:9092
//   -v / --verbose                             print the cluster (or the error) to stderr
//
// Connects with the kafkajs admin client and runs describeCluster(), so an open port that
// is not Kafka (or a broker that has not registered yet) counts as "not answering".
// Timeouts are short; KAFKA_PING_TIMEOUT_MS (default 5000) caps the whole check.
// It connects as the services do: KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SSL_REJECT_UNAUTHORIZED,
// KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (read as libs/config reads them).
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';

const args = process.argv.slice(2);
const verbose = args.includes('-v') || args.includes('--verbose');
const brokerArg = args.find((a) => !a.startsWith('-')) ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const brokers = brokerArg
  .split(',')
  .map((b) => b.trim().replace(/^[a-z]+:\/\//i, ''))
  .filter(Boolean);
const budgetMs = Number(process.env.KAFKA_PING_TIMEOUT_MS ?? 5000);

const say = (msg) => {
  if (verbose) process.stderr.write(`kafka-ping: ${msg}\n`);
};

if (brokers.length === 0) {
  say('no brokers given');
  process.exit(1);
}

// Hard stop: whatever kafkajs is doing, give an answer within the budget.
setTimeout(() => {
  say(`no answer from ${brokers.join(',')} within ${budgetMs} ms`);
  process.exit(1);
}, budgetMs).unref();

/** TLS and SASL from the environment; a setting that is wrong is "not answering", said with -v. */
function security(env) {
  const mechanism = env.KAFKA_SASL_MECHANISM?.trim().toLowerCase();
  const caFile = env.KAFKA_SSL_CA_FILE?.trim();
  const ssl =
    env.KAFKA_SSL === 'true'
      ? { rejectUnauthorized: env.KAFKA_SSL_REJECT_UNAUTHORIZED !== 'false', ...(caFile ? { ca: [readFileSync(caFile, 'utf8')] } : {}) }
      : false;
  const sasl = mechanism ? { mechanism, username: env.KAFKA_SASL_USERNAME ?? '', password: env.KAFKA_SASL_PASSWORD ?? '' } : undefined;
  return { ssl, sasl };
}

let secured;
try {
  secured = security(process.env);
} catch (err) {
  say(`${err?.message ?? err}`);
  process.exit(1);
}

const kafka = new Kafka({
  clientId: 'kafka-ping',
  brokers,
  ...secured,
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1000,
  authenticationTimeout: 1000,
  requestTimeout: 2000,
  enforceRequestTimeout: true,
  retry: { retries: 0 },
});
const admin = kafka.admin({ retry: { retries: 0 } });

let ok = false;
try {
  await admin.connect();
  const cluster = await admin.describeCluster();
  ok = Array.isArray(cluster.brokers) && cluster.brokers.length > 0;
  say(
    ok
      ? `cluster ${cluster.clusterId}, controller ${cluster.controller}, brokers ${cluster.brokers
          .map((b) => `${b.nodeId}@${b.host}:${b.port}`)
          .join(' ')}`
      : 'describeCluster returned no brokers',
  );
} catch (err) {
  say(`${err?.name ?? 'Error'}: ${err?.message ?? err}`);
} finally {
  await admin.disconnect().catch(() => {});
}
process.exit(ok ? 0 : 1);
