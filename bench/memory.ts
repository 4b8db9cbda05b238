/**
 * (d) Scale: Redis memory per customer of all four services, from `INFO memory` of a redis-server
 * of the bench's own, at a small and a large number of customers with 3 active relationships and 4
 * requests each; and the directory's query latency at both.
 *
 * The keys are the services' own: the four services (real NestJS apps, in this process) handle one
 * template customer's history (registration, 4 RelationshipRequested, 3 RelationshipEstablished
 * and DelegatedAdminGranted) as they would in production, notifications delivered to a webhook
 * receiver on 127.0.0.1 included; then what they wrote for that customer (its own keys, and its
 * entries in the shared ones: due indexes, a reseller's customers) is copied for every other
 * customer with only the customer id changed (bench/key-clone.ts).
 */
import { performance } from 'node:perf_hooks';
import type { INestApplication, Type } from '@nestjs/common';
import { KAFKA_SETTINGS, KafkaSettings, KafkaTransport, physicalTopic } from '@mp/messaging';
import type { ServiceOptions } from '@mp/platform';
import Redis from 'ioredis';
import { Partitioners } from 'kafkajs';
import { ConsentServiceModule } from '../apps/consent-service/src/consent-service.module';
import { consentServiceOptions } from '../apps/consent-service/src/consent-service.options';
import { DirectoryServiceModule } from '../apps/directory-service/src/directory-service.module';
import { directoryServiceOptions } from '../apps/directory-service/src/directory-service.options';
import { NotificationServiceModule } from '../apps/notification-service/src/notification-service.module';
import { notificationServiceOptions } from '../apps/notification-service/src/notification-service.options';
import { RequestServiceModule } from '../apps/request-service/src/request-service.module';
import { requestServiceOptions } from '../apps/request-service/src/request-service.options';
import { consumerLag } from '../test/support/consumer-lag';
import { RunningService, startService } from '../test/support/service-harness';
import { opsHeaders } from '../test/support/tokens';
import { WebhookReceiver } from '../test/support/webhook-receiver';
import { benchKafka, createContractTopics, inWorld, World } from './bench-world';
import type { Benchmark, BenchContext, BenchResult, BenchRow, BenchSize } from './benchmark';
import { BENCH_SHAPE, customerIdOf, CustomerHistory, partnerRegistration } from './history';
import { bytesPerCustomer, ClonePlan, clonePlan, commandFor, serviceOf, snapshotKeys } from './key-clone';
import { startOwnRedis, usedMemory } from './redis-server';
import { bytes, duration, percentile } from './stats';

const PORT = 7150;
const SERVICES = ['request', 'consent', 'notification', 'directory'] as const;
const SIZES: Record<BenchSize, { small: number; large: number; queries: number }> = {
  // 1,000,000 customers at about 30 KiB each would not fit this machine's memory, nor its time budget: the
  // large size is what the budget allows, and the notes say what a million would take.
  full: { small: 10_000, large: 50_000, queries: 2_000 },
  quick: { small: 1_000, large: 2_000, queries: 300 },
};
/** Customers written per pipeline. */
const CLONE_BATCH = 500;
const GOAL_BYTES = 2 * 1024;
/** What Redis says one of the template customer's own keys takes (`MEMORY USAGE`). */
interface KeyUsage {
  key: string;
  type: string;
  bytes: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const MODULES: Array<[Type, ServiceOptions]> = [
  [RequestServiceModule, requestServiceOptions],
  [ConsentServiceModule, consentServiceOptions],
  [NotificationServiceModule, notificationServiceOptions],
  [DirectoryServiceModule, directoryServiceOptions],
];

/** Resolves once every service has handled all there is and no webhook has come in for a second. */
async function settled(apps: INestApplication[], receiver: WebhookReceiver, timeoutMs = 60_000): Promise<void> {
  const groups = apps.map((app) => ({ groupId: app.get<KafkaSettings>(KAFKA_SETTINGS).groupId, topics: app.get(KafkaTransport).subscribedTopics() }));
  const deadline = Date.now() + timeoutMs;
  let webhooks = -1;
  for (;;) {
    const lags = await Promise.all(groups.map(consumerLag));
    if (lags.every((lag) => lag === 0) && receiver.received.length === webhooks && webhooks > 0) return;
    webhooks = receiver.received.length;
    if (Date.now() > deadline) throw new Error(`not settled within ${timeoutMs} ms: lag ${lags.join('/')}, ${webhooks} webhooks`);
    await sleep(1000);
  }
}

/** The four services handle one customer's history; returns the plan to copy what they wrote for it, and the running directory. */
async function template(world: World, templateId: string, log: (line: string) => void, redis: Redis): Promise<{ plan: ClonePlan; usage: KeyUsage[]; directory: RunningService; webhooks: number }> {
  const { settings, kafka } = benchKafka();
  await createContractTopics(settings, kafka);
  const receiver = new WebhookReceiver();
  await receiver.start();
  log('starting the four services...');
  const services = await Promise.all(MODULES.map(([module, options]) => startService(module, options)));
  try {
    const history = new CustomerHistory(BENCH_SHAPE, new Date(), receiver.url('/customer'));
    const resellers = Array.from({ length: history.resellers }, (_, i) => `reseller-${world.run}-${i}`);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const messages = [...resellers.map((id, i) => partnerRegistration(id, i, new Date(), receiver.url(`/reseller/${i}`))), ...history.messages(templateId, resellers)];
      // One at a time, in order: the registrations are folded before the events that name them.
      for (const m of messages) await producer.send({ topic: physicalTopic(settings, m.topic), acks: -1, messages: [{ key: m.key, value: m.value }] });
    } finally {
      await producer.disconnect();
    }
    log(`the template customer's ${history.events} messages produced; waiting for the services and their webhooks...`);
    await settled(services.map((s) => s.app), receiver);
    const plan = clonePlan(await snapshotKeys(redis, world.keyPrefix), templateId);
    const usage = await Promise.all(
      plan.own.map(async ({ key, type }) => ({ key: key.slice(world.keyPrefix.length).split(templateId).join('<id>'), type, bytes: Number(await redis.call('memory', 'usage', key, 'SAMPLES', '0')) })),
    );
    return { plan, usage: usage.sort((a, b) => b.bytes - a.bytes), directory: services[3], webhooks: receiver.received.length };
  } finally {
    // The directory stays, to be asked; the others stop before their schedulers meet the copies.
    await Promise.all(services.slice(0, 3).map((s) => s.close()));
    await receiver.stop();
  }
}

/** Writes the template's keys again for customers `from` to `to - 1`, service by service; returns the growth of used_memory per service. */
async function grow(redis: Redis, plan: ClonePlan, world: World, templateId: string, from: number, to: number): Promise<Record<string, number>> {
  const grown: Record<string, number> = {};
  for (const service of SERVICES) {
    const items = [...plan.own, ...plan.shared].filter((k) => serviceOf(k.key, world.keyPrefix) === service);
    const before = await usedMemory(redis);
    for (let c = from; c < to; c += CLONE_BATCH) {
      const pipeline = redis.pipeline();
      for (let i = c; i < Math.min(to, c + CLONE_BATCH); i++) {
        const customerId = customerIdOf(world.run, i);
        for (const item of items) {
          const [command, ...args] = commandFor(item, templateId, customerId);
          pipeline.call(command, ...args);
        }
      }
      const failed = ((await pipeline.exec()) ?? []).find(([error]) => error);
      if (failed) throw failed[0];
    }
    grown[service] = (await usedMemory(redis)) - before;
  }
  return grown;
}

/** `count` GETs of random customers' resellers through the directory's HTTP route, one at a time: p50 and p99 in ms. */
async function queryLatency(directory: RunningService, run: string, customers: number, count: number): Promise<{ p50: number; p99: number }> {
  const headers = await opsHeaders();
  const times: number[] = [];
  for (let i = 0; i < count + 50; i++) {
    const start = performance.now();
    const response = await fetch(`${directory.url}/v1/customers/${customerIdOf(run, Math.floor(Math.random() * customers))}/resellers`, { headers });
    const body = (await response.json()) as { resellers?: unknown[] };
    if (response.status !== 200 || body.resellers?.length !== 3) throw new Error(`the directory answered ${response.status} ${JSON.stringify(body)}`);
    if (i >= 50) times.push(performance.now() - start); // the first 50 warm up
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

export const memory: Benchmark = {
  name: 'memory',
  title: "Redis memory per customer of all four services (INFO memory of a redis-server of the bench's own) and the query p50, at 10,000 customers and at the most the time budget allows (1,000,000 extrapolated)",
  async run(context: BenchContext): Promise<BenchResult> {
    const size = SIZES[context.size];
    const own = await startOwnRedis(PORT);
    try {
      return await inWorld('bench-memory', { ...context, redisUrl: own.url }, async (world) => {
        const redis = new Redis(own.url);
        const templateId = customerIdOf(world.run, 0);
        const made = await template(world, templateId, context.log, redis);
        try {
          const perService = (grown: Record<string, number>, customers: number) => Object.fromEntries(SERVICES.map((s) => [s, bytesPerCustomer(0, grown[s], customers)]));
          context.log(`template: ${made.plan.own.length} keys of its own, entries in ${made.plan.shared.length} shared keys, ${made.webhooks} webhooks; copying it to ${size.small} customers...`);
          const start = performance.now();
          const small = await grow(redis, made.plan, world, templateId, 1, size.small);
          const smallMs = performance.now() - start;
          const smallQuery = await queryLatency(made.directory, world.run, size.small, size.queries);
          context.log(`${size.small} customers in ${duration(smallMs)}: ${bytes(Math.round(sum(perService(small, size.small - 1))))}/customer, query p50 ${duration(smallQuery.p50)}; growing to ${size.large}...`);
          const largeStart = performance.now();
          const more = await grow(redis, made.plan, world, templateId, size.small, size.large);
          const largeMs = performance.now() - largeStart;
          const large = Object.fromEntries(SERVICES.map((s) => [s, small[s] + more[s]]));
          const largeQuery = await queryLatency(made.directory, world.run, size.large, size.queries);
          const total = await usedMemory(redis);
          const perSmall = perService(small, size.small - 1);
          const perLarge = perService(large, size.large - 1);
          context.log(`${size.large} customers in ${duration(largeMs)}: ${bytes(Math.round(sum(perLarge)))}/customer, query p50 ${duration(largeQuery.p50)}`);
          const slowdown = largeQuery.p50 / smallQuery.p50;
          const k = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
          const memoryRow = (id: string, customers: number, per: Record<string, number>, query: { p50: number; p99: number }, baseline?: string): BenchRow => ({
            id,
            name: `Redis memory per customer, all services (${SERVICES.map((s) => `${s} ${bytes(Math.round(per[s]))}`).join(', ')})`,
            n: `${k(customers)} customers`,
            value: `${bytes(Math.round(sum(per)))} per customer`,
            p50Ms: query.p50,
            p99Ms: query.p99,
            ...(baseline ? { baseline, ratio: query.p50 / smallQuery.p50 } : {}),
            goals: [
              { text: '≤ 2 KiB per customer across all services', met: sum(per) <= GOAL_BYTES },
              ...(baseline ? [{ text: `query p50 within 10% of at ${k(size.small)}`, met: slowdown <= 1.1 }] : []),
            ],
          });
          return {
            rows: [memoryRow('d1', size.small, perSmall, smallQuery), memoryRow('d2', size.large, perLarge, largeQuery, 'd1')],
            notes: [
              `d: a redis-server of the bench's own (:${PORT}, no persistence), used_memory of INFO memory measured before and after each service's keys were written: ` +
                `${bytes(Math.round(sum(perSmall)))} per customer at ${k(size.small)} and ${bytes(Math.round(sum(perLarge)))} at ${k(size.large)} (${(total / 2 ** 30).toFixed(2)} GiB in all), ` +
                `per service ${SERVICES.map((s) => `${s} ${bytes(Math.round(perLarge[s]))}`).join(', ')}. ` +
                `The keys are those the four services (real apps) wrote for one customer with 3 active relationships (delegated admin granted) and 4 requests, notifications delivered by webhook; ` +
                `${made.plan.own.length} keys of its own and entries in ${made.plan.shared.length} shared keys, copied for every other customer with its id changed (their resellers are the template's 4). ` +
                `Its own keys by MEMORY USAGE: ${made.usage.map((u) => `${u.key} (${u.type}) ${bytes(u.bytes)}`).join(', ')}. ` +
                `Written at ${Math.round(size.large / ((smallMs + largeMs) / 1000))} customers/s: 1,000,000 customers were not written (the issue's size) since at ${bytes(Math.round(sum(perLarge)))} each they would take ` +
                `≈ ${((sum(perLarge) * 1e6) / 2 ** 30).toFixed(1)} GiB (extrapolated, linear: the figure per customer is the same at both sizes measured within ${(Math.abs(sum(perLarge) / sum(perSmall) - 1) * 100).toFixed(1)}%) and ≈ ${duration((1e6 / (size.large / ((smallMs + largeMs) / 1000))) * 1000)} to write here. ` +
                `The query (GET /v1/customers/{id}/resellers through the directory's HTTP route, ${size.queries} one at a time, random customers): p50 ${duration(smallQuery.p50)} at ${k(size.small)} and ${duration(largeQuery.p50)} at ${k(size.large)} (${slowdown >= 1 ? '+' : ''}${(slowdown * 100 - 100).toFixed(0)}%): the two are measured a minute or more apart, one request at a time, so a machine whose speed drifts moves their ratio too.`,
            ],
          };
        } finally {
          await made.directory.close();
          redis.disconnect();
        }
      });
    } finally {
      await own.stop();
    }
  },
};

function sum(per: Record<string, number>): number {
  return Object.values(per).reduce((total, n) => total + n, 0);
}
