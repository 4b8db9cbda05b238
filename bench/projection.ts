/**
 * (b) Projection: a fresh directory-service (the real NestJS app, in this process) started over a
 * history already on the topics, timed to lag 0 on every partition it consumes; (e) Rebuild: the
 * running directory's rebuild of its read models (`npm run ops -- rebuild`'s code: forget them in
 * one step, follow the directory's build record until every partition is built). Both beside a
 * bare kafkajs consumer of the same topics, in a group of its own, that reads to the end and does
 * nothing. Each is cut at a time budget; what was not done then is extrapolated from its rate, and
 * said to be.
 */
import { performance } from 'node:perf_hooks';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Topics } from '@mp/contracts';
import { DIRECTORY_GROUP, directoryRebuildProgress, forgetDirectoryReadModels, RebuildProgress, withAdmin } from '@mp/operations';
import { configureServiceApp } from '@mp/platform';
import { physicalTopic } from '@mp/messaging';
import { CustomerStore } from '@mp/state';
import Redis from 'ioredis';
import { DirectoryServiceModule } from '../apps/directory-service/src/directory-service.module';
import { directoryServiceOptions } from '../apps/directory-service/src/directory-service.options';
import { consumerLag } from '../test/support/consumer-lag';
import { bareRead, benchKafka, createContractTopics, Filled, fillTopics, inWorld, messagesOn, Read } from './bench-world';
import type { Benchmark, BenchContext, BenchResult, BenchRow, BenchSize } from './benchmark';
import { customerIdOf } from './history';
import { CpuProfiler, CpuSummary } from './cpu-profile';
import { profileTables } from './report';
import { duration, rate, ratio } from './stats';

/** The topics the histories are on: what a directory must read to project them. */
const HISTORY_TOPICS = [Topics.partnerEvents, Topics.customerEvents, Topics.requestEvents, Topics.relationshipEvents];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Customers per run (10 lifecycle events each: 4 requests, 3 relationships established with delegated admin), and the time budgets. */
const SIZES: Record<BenchSize, { projection: number; rebuild: number; capMs: number; bareCapMs: number }> = {
  full: { projection: 20_000, rebuild: 100_000, capMs: 60_000, bareCapMs: 20_000 },
  quick: { projection: 200, rebuild: 200, capMs: 30_000, bareCapMs: 30_000 },
};

type Log = (line: string) => void;

interface Setup {
  kafka: ReturnType<typeof benchKafka>;
  filled: Filled;
  /** Every message on the history topics. */
  total: number;
}

async function fill(run: string, customers: number, log: Log, kafka = benchKafka()): Promise<Setup> {
  await createContractTopics(kafka.settings, kafka.kafka);
  log(`putting ${customers} customers' histories on the topics...`);
  const filled = await fillTopics(kafka.kafka, kafka.settings, run, customers);
  const total = await withAdmin(kafka.kafka, (admin) => messagesOn(admin, kafka.settings, HISTORY_TOPICS));
  log(`${filled.messages} messages (${filled.lifecycleEvents} lifecycle events, ${(filled.bytes / 2 ** 20).toFixed(0)} MiB) produced in ${duration(filled.ms)} (${rate(filled.messages / (filled.ms / 1000))} msg/s)`);
  if (total !== filled.messages) throw new Error(`${filled.messages} messages produced but ${total} on the topics`);
  return { kafka, filled, total };
}

/** How far a timed run got: all of it, or `done` of `total` when its budget ran out. */
interface Progress {
  ms: number;
  done: number;
  total: number;
}

const finished = (p: Progress) => p.done >= p.total;
/** The time all of it takes: measured, or extrapolated from the rate so far. */
const fullMs = (p: Progress) => (finished(p) ? p.ms : p.ms * (p.total / Math.max(1, p.done)));
const rateOf = (p: Progress | Read) => ('total' in p ? p.done : p.read) / (p.ms / 1000);

/** Polls `count` every 250 ms until it reaches `total` or `capMs` is spent (progress logged every 10 s). */
async function follow(what: string, count: () => Promise<number>, total: number, start: number, capMs: number, log: Log): Promise<Progress> {
  let logged = start;
  for (;;) {
    const done = await count();
    const now = performance.now();
    if (done >= total || now - start > capMs) return { ms: now - start, done, total };
    if (now - logged > 10_000) {
      logged = now;
      log(`${what}: ${done}/${total} after ${duration(now - start)}`);
    }
    await sleep(250);
  }
}

/** The directory as `main.ts` starts it (HTTP on 127.0.0.1, then its consumer), in this process. */
async function bootDirectory(): Promise<INestApplication> {
  const app = await NestFactory.create(DirectoryServiceModule, { bufferLogs: true });
  configureServiceApp(app, directoryServiceOptions);
  await app.listen(0, '127.0.0.1');
  await app.startAllMicroservices();
  return app;
}

async function whenReady(app: INestApplication, timeoutMs = 60_000): Promise<void> {
  const url = await app.getUrl();
  const deadline = performance.now() + timeoutMs;
  while (!(await fetch(`${url}/health/ready`)).ok) {
    if (performance.now() > deadline) throw new Error(`the directory is not ready after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * Commits the ends of the history topics as the directory group's offsets, as if it had consumed
 * them: one member of the group joins, commits, leaves (kafkajs' admin `setOffsets` joins once per topic).
 */
async function commitEnds({ kafka, settings }: ReturnType<typeof benchKafka>, groupId: string): Promise<void> {
  const topics = HISTORY_TOPICS.map((t) => physicalTopic(settings, t));
  const ends = await withAdmin(kafka, async (admin) => Promise.all(topics.map(async (topic) => ({ topic, ends: await admin.fetchTopicOffsets(topic) }))));
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  try {
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics });
    // Nothing is handled and nothing committed but the ends.
    await consumer.run({ autoCommit: false, eachBatch: async () => consumer.pause(topics.map((topic) => ({ topic }))) });
    await joined;
    await consumer.commitOffsets(ends.flatMap(({ topic, ends: partitions }) => partitions.map((p) => ({ topic, partition: p.partition, offset: p.high }))));
  } finally {
    await consumer.disconnect();
  }
}

/** The last customer of the history folded as it should be: three active relationships, four requests. */
async function checkProjected(app: INestApplication, run: string, customers: number): Promise<void> {
  const last = await app.get(CustomerStore).get(customerIdOf(run, customers - 1));
  const active = Object.values(last?.relationships ?? {}).filter((r) => r.status === 'active').length;
  const requests = Object.keys(last?.requests ?? {}).length;
  if (active !== 3 || requests !== 4) throw new Error(`the directory's last customer has ${active} active relationships and ${requests} requests, not 3 and 4`);
}

const thousands = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${Math.round(n / 1e3)}k`);
const timeOf = (p: Progress) => (finished(p) ? duration(p.ms) : `≈ ${duration(fullMs(p))} (extrapolated: ${((p.done / p.total) * 100).toFixed(0)}% in ${duration(p.ms)})`);

function rows(id: string, name: string, n: string, measured: Progress, bare: Read, goals: BenchRow['goals']): BenchRow[] {
  return [
    { id: `${id}1`, name, n, rate: rateOf(measured), unit: 'msg/s', value: timeOf(measured), baseline: `${id}2`, ratio: rateOf(measured) / rateOf(bare), goals },
    { id: `${id}2`, name: 'baseline: bare kafkajs consumer of the same topics (own group, reads from the start, does nothing)', n: `${bare.read} msgs`, rate: rateOf(bare), unit: 'msg/s', value: duration(bare.ms) },
  ];
}

export const projection: Benchmark = {
  name: 'projection',
  title: 'a fresh directory projecting the lifecycle events already on the topics, to lag 0, vs a bare kafkajs consumer of the same topics',
  run: (context: BenchContext) =>
    inWorld('bench-projection', context, async (world): Promise<BenchResult> => {
      const size = SIZES[context.size];
      const customers = size.projection;
      const { kafka, filled, total } = await fill(world.run, customers, context.log);
      // Baseline before and after the directory, so a machine that changes speed hits both alike.
      context.log('bare consumer reading them...');
      const before = await bareRead(kafka.kafka, kafka.settings, HISTORY_TOPICS, total, 'bench-bare-1', size.bareCapMs);
      context.log(`bare consumer: ${before.read} in ${duration(before.ms)}; starting a directory over them...`);
      const start = performance.now();
      // The directory runs in this process: its profile is this process's over the projection.
      const sampler = new CpuProfiler();
      await sampler.start();
      const app = await bootDirectory();
      let projected: Progress;
      let profile: CpuSummary;
      try {
        const groupId = `${kafka.settings.namespace}${DIRECTORY_GROUP}`;
        projected = await follow('directory projection', async () => total - (await consumerLag({ groupId, topics: HISTORY_TOPICS })), total, start, size.capMs, context.log);
        profile = await sampler.stop();
        context.log(`directory: ${projected.done}/${total} in ${duration(projected.ms)}; bare consumer again...`);
        if (finished(projected)) await checkProjected(app, world.run, customers);
      } finally {
        await app.close();
      }
      const after = await bareRead(kafka.kafka, kafka.settings, HISTORY_TOPICS, total, 'bench-bare-2', size.bareCapMs);
      const bare: Read = { read: before.read + after.read, ms: before.ms + after.ms };
      const speed = rateOf(projected) / rateOf(bare);
      return {
        rows: rows('b', `projection: a fresh directory over ${customers} customers' histories, start to lag 0`, `${thousands(filled.lifecycleEvents)} events`, projected, bare, [
          { text: '≥ 200,000 lifecycle events on the topics', met: filled.lifecycleEvents >= 200_000 },
          { text: '≥ 0.5× the bare consumer', met: speed >= 0.5 },
        ]),
        notes: [
          `b: ${total} messages on ${HISTORY_TOPICS.length} topics of ${kafka.settings.partitions} partitions: ${filled.lifecycleEvents} lifecycle events (per customer: 4 RelationshipRequested, 3 RelationshipEstablished, 3 DelegatedAdminGranted, enveloped as the services produce them) and ${customers + 100} registrations, produced in ${duration(filled.ms)}. ` +
            `A fresh directory (the real app, in the bench's process) ${finished(projected) ? `went from its start to lag 0 in ${duration(projected.ms)}` : `had projected ${projected.done} of them when its budget of ${duration(size.capMs)} ran out: all of them would take ${timeOf(projected)}`} ` +
            `(${rate(rateOf(projected))} msg/s); a bare kafkajs consumer read ${rate(rateOf(before))} msg/s before it and ${rate(rateOf(after))} msg/s after it (the row is both together): the directory runs at ${ratio(speed)} its rate. ` +
            `A fresh directory's start is a rebuild from the topics: per key lane (a customer's consecutive events in a chunk of a batch) one Redis read and one compare-and-set script of the customer's state with its seen ids, and per event the index writes. The histories put each customer's events next to each other on a partition, so a lane holds several of them: a history whose customers' events are spread over time puts fewer events in each lane.`,
          `CPU profile of this process (the directory, its start included) over the projection (V8 sampling every 0.5 ms; builtins charged to the package that called them; "per command" is per message projected): ${profileTables(profile, Math.max(1, projected.done), 12)}`,
        ],
      };
    }),
};

export const rebuild: Benchmark = {
  name: 'rebuild',
  title: "the running directory's rebuild of its read models from ≥ 1,000,000 events (npm run ops -- rebuild's code), vs a bare kafkajs consumer of the same topics",
  run: (context: BenchContext) =>
    inWorld('bench-rebuild', context, async (world): Promise<BenchResult> => {
      const size = SIZES[context.size];
      const customers = size.rebuild;
      const kafka = benchKafka();
      const groupId = `${kafka.settings.namespace}${DIRECTORY_GROUP}`;
      // A directory in its steady state, without projecting the history first (which costs what the
      // rebuild costs, and the rebuild forgets it anyway): started on the empty topics, so its state
      // is marked built; stopped; the history put on the topics; its group's offsets set to their
      // ends, as if it had consumed them; started again.
      await createContractTopics(kafka.settings, kafka.kafka);
      let app = await bootDirectory();
      await whenReady(app).finally(() => app.close());
      const setup = await fill(world.run, customers, context.log, kafka);
      await commitEnds(kafka, groupId);
      app = await bootDirectory();
      const redis = new Redis(context.redisUrl);
      let rebuilt: Progress;
      let forgotten: number;
      try {
        await whenReady(app);
        context.log('directory up to date; forgetting its read models (as npm run ops -- rebuild does)...');
        const start = performance.now();
        forgotten = await forgetDirectoryReadModels(redis, world.keyPrefix);
        const settings = { namespace: kafka.settings.namespace, keyPrefix: world.keyPrefix };
        let progress: RebuildProgress | undefined;
        rebuilt = await follow(
          'rebuild',
          async () => ((progress = await directoryRebuildProgress(kafka.kafka, redis, settings)).done ? setup.total : Math.min(progress.handled, setup.total - 1)),
          setup.total,
          start,
          size.capMs,
          context.log,
        );
        context.log(`rebuild: ${rebuilt.done}/${setup.total} in ${duration(rebuilt.ms)}`);
        if (finished(rebuilt)) await checkProjected(app, world.run, customers);
      } finally {
        redis.disconnect();
        await app.close();
      }
      const bare = await bareRead(kafka.kafka, kafka.settings, HISTORY_TOPICS, setup.total, 'bench-bare-rebuild', size.bareCapMs);
      return {
        rows: rows('e', `rebuild: the running directory's read models forgotten and rebuilt from ${customers} customers' histories`, `${thousands(setup.filled.lifecycleEvents)} events`, rebuilt, bare, [
          { text: '≥ 1,000,000 events rebuilt', met: finished(rebuilt) && setup.filled.lifecycleEvents >= 1_000_000 },
          { text: '< 60 s', met: fullMs(rebuilt) < 60_000 },
        ]),
        notes: [
          `e: ${setup.total} messages (${setup.filled.lifecycleEvents} lifecycle events) put on the topics in ${duration(setup.filled.ms)} (${rate(rateOf({ read: setup.total, ms: setup.filled.ms }))} msg/s). ` +
            `The directory was brought to its steady state over them without projecting them (started on the empty topics, stopped, its group's offsets set to the ends, started again): the rebuild forgets what it had built anyway. ` +
            `Its read models were then forgotten in one step (forgetDirectoryReadModels: ${forgotten} keys) and its build record followed (directoryRebuildProgress) ` +
            `${finished(rebuilt) ? `until every partition was built: ${duration(rebuilt.ms)}` : `for ${duration(rebuilt.ms)}, when it had handled ${rebuilt.done} of them: all would take ${timeOf(rebuilt)}`} ` +
            `(${rate(rateOf(rebuilt))} msg/s, up to a second of it noticing the loss), against ${rate(rateOf(bare))} msg/s for a bare kafkajs consumer of the same topics: ${ratio(rateOf(rebuilt) / rateOf(bare))} its rate.`,
        ],
      };
    }),
};
