/**
 * End to end: `RequestRelationship` commands in on `mp.request-commands.v1`, `RelationshipRequested`
 * out on `mp.request-events.v1`, through the real request-service booted in this process (NestJS,
 * validation, Redis state, idempotent producer). The baseline is the same number of messages of the
 * same size through a plain topic with bare kafkajs: produce -> consume, nothing in between.
 * Both are published with the same producer and observed by the same kind of consumer.
 */
import { performance, PerformanceObserver } from 'node:perf_hooks';
import type { INestApplication } from '@nestjs/common';
import { MessageData, Topics } from '@mp/contracts';
import { CustomerState, emptyCustomerState, evolve } from '@mp/domain';
import { createKafka, decode, EventPublisher, KAFKA_SETTINGS, KafkaSettings, kafkaSettingsFromEnv, KafkaTransport, physicalTopic, toKafkaMessage, upstreamEnvelope } from '@mp/messaging';
import { CustomerStore, PartnerStore } from '@mp/state';
import { Admin, Consumer, Kafka, Message, Partitioners, Producer } from 'kafkajs';
import { RequestServiceModule } from '../apps/request-service/src/request-service.module';
import { requestServiceOptions } from '../apps/request-service/src/request-service.options';
import { consumerLag, GroupTopics } from '../test/support/consumer-lag';
import { RunningService, startService } from '../test/support/service-harness';
import type { Benchmark, BenchContext, BenchResult, BenchRow } from './benchmark';
import { measureTogether } from './micro';
import { CpuProfiler, CpuSummary } from './cpu-profile';
import { Batch, flow, FlowResult, FlowRound, Observer, oneAtATime, summarize } from './flow';
import { Profiler } from './profiler';
import { markdownTable, pairedRatio, profileTables } from './report';
import { bytes, duration, median, percentile, rate, ratio } from './stats';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface PipelineOptions {
  n: number;
  rounds: number;
  warmup: number;
  /** Messages sent one at a time, each waiting for the previous one's result. */
  sequential: number;
  run: string;
  timeoutMs: number;
  log: (line: string) => void;
}

export interface PipelineResult {
  pipeline: FlowResult;
  raw: FlowResult;
  /** One at a time: latency with nothing queued in front. */
  pipelineSequential: FlowRound;
  rawSequential: FlowRound;
  partitions: number;
  messageBytes: number;
  eventBytes: number;
  referenceCatchUpMs: number;
  referenceMessages: number;
  /** After the last RelationshipRequested of a round: until the service had also folded its own events. */
  drainMs: number[];
  rejected: number;
  deadLetters: number;
  bootMs: number;
  profile: Profile;
}

export interface ProfileStep {
  name: string;
  /** Calls per command (e.g. 2 state loads: the command's and the fold of its own event). */
  perCommand: number;
  /** Mean duration of one call during the profiled round (ms); NaN for a remainder. */
  meanMs: number;
  /** Summed over the round (ms). */
  totalMs: number;
  /** The same step timed alone, sequentially, on the idle service: p50 (ms), when measured. */
  aloneP50?: number;
  aloneP99?: number;
}

/**
 * One extra round with the service's steps timed in place. The service handles one message at a
 * time, so the window (first publish -> last message handled) splits into its steps and a remainder.
 */
export interface Profile {
  n: number;
  windowMs: number;
  /** Share of the window the process's event loop was busy (1 = never idle: CPU-bound). */
  eventLoopUtilization: number;
  /**
   * CPU time of this process (user + system) and the event loop's busy share, over `spanMs`: the
   * window plus the last lag check that found the service done (a few tens of ms).
   */
  cpuMs: number;
  spanMs: number;
  gcPauseMs: number;
  gcPauses: number;
  /** Sampling CPU profile of this process over the same span. */
  cpu: CpuSummary;
  throughput: number;
  messagesPerCommand: number;
  steps: ProfileStep[];
}

/** The command envelopes of one batch: customer i asks for reseller R, one request each (no DUPLICATE_PENDING). */
function commands(label: string, customers: readonly string[], resellerId: string): Batch {
  const ids: string[] = [];
  const messages = customers.map((customerId, i) => {
    const requestId = `req-${label}-${String(i).padStart(5, '0')}`;
    ids.push(requestId);
    const data: MessageData<'RequestRelationship'> = {
      requestId,
      customerId,
      resellerId,
      services: ['Azure', 'Microsoft365'],
      delegatedAdmin: { roles: ['HelpdeskAgent'], durationDays: 90, autoExtend: true },
      message: 'We would like to manage your cloud services.',
      requestedBy: { userId: 'agent-bench' },
    };
    return toKafkaMessage(upstreamEnvelope('bench-upstream', 'RequestRelationship', data));
  });
  return { ids, messages };
}

function customerOf(message: Message): string {
  return (JSON.parse(String(message.value)) as { data: { customerId: string } }).data.customerId;
}

export class PipelineBench {
  private readonly settings: KafkaSettings;
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly producer: Producer;
  private readonly observers: Observer[] = [];
  private service?: RunningService;
  private serviceGroup?: string;
  /** Set by stop(): a run still under way (the bench was aborted) stops at its next checkpoint. */
  private stopping = false;

  constructor(private readonly options: PipelineOptions) {
    this.settings = kafkaSettingsFromEnv('bench');
    this.kafka = createKafka(this.settings);
    this.admin = this.kafka.admin();
    this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  }

  private topic(name: string): string {
    return physicalTopic(this.settings, name);
  }

  private checkpoint(): void {
    if (this.stopping) throw new Error('pipeline bench stopped');
  }

  private async caughtUp(group: GroupTopics, timeoutMs = 30_000): Promise<number> {
    const start = performance.now();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.checkpoint();
      const lag = await consumerLag(group);
      if (lag === 0) return performance.now() - start;
      if (Date.now() > deadline) throw new Error(`${group.groupId} still ${lag} messages behind after ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  async run(): Promise<PipelineResult> {
    const { n, rounds, warmup, sequential, run, timeoutMs, log } = this.options;
    const rawTopic = this.topic('bench.raw.v1');

    await this.admin.connect();
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: rawTopic, numPartitions: this.settings.partitions, replicationFactor: this.settings.replicationFactor }],
    });

    this.checkpoint();
    log('booting request-service in-process...');
    const bootStart = performance.now();
    const service = await startService(RequestServiceModule, requestServiceOptions);
    if (this.stopping) {
      await service.close();
      this.checkpoint();
    }
    this.service = service;
    const bootMs = performance.now() - bootStart;
    const app: INestApplication = this.service.app;
    const group: GroupTopics = { groupId: app.get<KafkaSettings>(KAFKA_SETTINGS).groupId, topics: app.get(KafkaTransport).subscribedTopics() };
    this.serviceGroup = group.groupId;

    await this.producer.connect();
    const rawObserver = new Observer(this.kafka, `${this.settings.namespace}bench-raw-observer`, rawTopic, 'RequestRelationship');
    const eventObserver = new Observer(this.kafka, `${this.settings.namespace}bench-event-observer`, this.topic(Topics.requestEvents), 'RelationshipRequested');
    this.observers.push(rawObserver, eventObserver);
    await Promise.all(this.observers.map((o) => o.start()));

    // Reference data: one direct reseller selling in DE, one registered customer per command.
    const resellerId = `reseller-${run}`;
    const customerSet = (label: string, count: number) => Array.from({ length: count }, (_, i) => `cust-${run}-${label}-${String(i).padStart(5, '0')}`);
    const warmCustomers = customerSet('warm', warmup);
    const roundCustomers = Array.from({ length: rounds + 1 }, (_, r) => customerSet(`r${r}`, n)); // the last one for the profiled round
    const sequentialCustomers = customerSet('seq', sequential);
    const allCustomers = [...warmCustomers, ...roundCustomers.flat(), ...sequentialCustomers];
    log(`publishing reference data: 1 reseller, ${allCustomers.length} customers...`);
    const refStart = performance.now();
    await this.producer.send({
      topic: this.topic(Topics.partnerEvents),
      messages: [toKafkaMessage(upstreamEnvelope('bench-upstream', 'PartnerRegistered', { partnerId: resellerId, name: 'Fabrikam Cloud', kind: 'direct-reseller', specializations: ['Azure'], countries: ['DE', 'AT'] }))],
    });
    for (let i = 0; i < allCustomers.length; i += 500) {
      await this.producer.send({
        topic: this.topic(Topics.customerEvents),
        messages: allCustomers.slice(i, i + 500).map((customerId) =>
          toKafkaMessage(upstreamEnvelope('bench-upstream', 'CustomerRegistered', { customerId, name: `Customer ${customerId}`, country: 'DE', admins: ['admin-1'] })),
        ),
      });
    }
    await this.caughtUp(group, 60_000);
    this.checkpoint();
    const referenceCatchUpMs = performance.now() - refStart;

    // Warm-up of both paths (JIT, connections, metadata), then wait until the service is idle.
    log(`warm-up: ${warmup} messages each way...`);
    const rawWarm = commands('rawwarm', warmCustomers, resellerId);
    await flow(this.producer, rawTopic, rawWarm, rawObserver, timeoutMs);
    await flow(this.producer, this.topic(Topics.requestCommands), commands('warm', warmCustomers, resellerId), eventObserver, timeoutMs);
    await this.caughtUp(group);

    const rawRounds: FlowRound[] = [];
    const pipelineRounds: FlowRound[] = [];
    const drainMs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      this.checkpoint();
      // Baseline and pipeline alternate, so drift of the machine hits both alike.
      rawRounds.push(await flow(this.producer, rawTopic, commands(`raw${r}`, roundCustomers[r], resellerId), rawObserver, timeoutMs));
      pipelineRounds.push(await flow(this.producer, this.topic(Topics.requestCommands), commands(`r${r}`, roundCustomers[r], resellerId), eventObserver, timeoutMs));
      drainMs.push(await this.caughtUp(group));
      const [raw, pipe] = [rawRounds[r], pipelineRounds[r]];
      log(`round ${r + 1}/${rounds}: raw ${raw.throughput.toFixed(0)} msg/s (p50 ${raw.p50.toFixed(1)} ms), pipeline ${pipe.throughput.toFixed(0)} cmd/s (p50 ${pipe.p50.toFixed(0)} ms)`);
    }

    this.checkpoint();
    log(`one at a time: ${sequential} messages each way...`);
    const [rawSequential, pipelineSequential] = await oneAtATime(
      this.producer,
      [
        { topic: rawTopic, batch: commands('rawseq', sequentialCustomers, resellerId), observer: rawObserver },
        { topic: this.topic(Topics.requestCommands), batch: commands('seq', sequentialCustomers, resellerId), observer: eventObserver },
      ],
      timeoutMs,
    );
    await this.caughtUp(group);

    const deadLetters = (await this.admin.fetchTopicOffsets(this.topic(Topics.deadLetters))).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    const sample = commands('size', roundCustomers[0].slice(0, 1), resellerId).messages[0];
    this.checkpoint();
    const event = await this.sampleEvent();
    log('profiled round: the service\'s steps timed in place, then alone...');
    const profile = await this.profile(app, group, commands(`p`, roundCustomers[rounds], resellerId), eventObserver, resellerId, Buffer.from(sample.value as string), event);
    return {
      pipeline: summarize(pipelineRounds),
      raw: summarize(rawRounds),
      pipelineSequential,
      rawSequential,
      partitions: this.settings.partitions,
      messageBytes: Buffer.byteLength(sample.value as string),
      eventBytes: event.length,
      referenceCatchUpMs,
      referenceMessages: allCustomers.length + 1,
      drainMs,
      rejected: eventObserver.types.get('RequestRejected') ?? 0,
      deadLetters,
      bootMs,
      profile,
    };
  }

  /**
   * Where a command's time goes. One more round of N commands with the service's own steps timed
   * in place (its transport's per-message `process`, offset commits, partner lookups, state loads,
   * CAS writes, produces); then the same steps alone, one at a time, on the idle service.
   */
  private async profile(
    app: INestApplication,
    group: GroupTopics,
    batch: Batch,
    observer: Observer,
    resellerId: string,
    commandBytes: Buffer,
    eventBytes: Buffer,
  ): Promise<Profile> {
    const n = batch.ids.length;
    const transport = app.get(KafkaTransport);
    const publisher = app.get(EventPublisher);
    const customers = app.get(CustomerStore);
    const partners = app.get(PartnerStore);
    const commandTopic = this.topic(Topics.requestCommands);
    const profiler = new Profiler();
    try {
      profiler.wrap(transport, 'process', (args) => (args[0] === commandTopic ? 'process:command' : 'process:other'));
      profiler.wrap(transport.unwrap<Consumer>(), 'commitOffsets', 'commit');
      profiler.wrap(partners, 'getMany', 'partners');
      profiler.wrap(customers, 'load', 'load');
      profiler.wrap(customers, 'save', 'save');
      // Indexes derived from the state after each write (the scheduler's due index), where the store has them.
      const hasSaved = profiler.wrapIfPresent(customers, 'saved', 'saved');
      profiler.wrap(publisher, 'send', 'publish');
      // The Nest handlers (controller behind pipes, interceptors and filters), kept with their own properties.
      const handlers = (transport as unknown as { messageHandlers: Map<string, (...args: unknown[]) => unknown> }).messageHandlers;
      const originals = new Map(handlers);
      for (const [pattern, handler] of originals) {
        const holder = { handle: handler };
        profiler.wrap(holder, 'handle', 'handler');
        handlers.set(pattern, Object.assign((...args: unknown[]) => holder.handle(...args), handler));
      }
      const gc = { ms: 0, count: 0 };
      const gcObserver = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          gc.ms += entry.duration;
          gc.count += 1;
        }
      });

      let round: FlowRound;
      let eventLoopUtilization: number;
      let cpuMs: number;
      let spanMs: number;
      let cpuProfile: CpuSummary;
      const sampler = new CpuProfiler();
      try {
        gcObserver.observe({ entryTypes: ['gc'] });
        await sampler.start();
        const elu = performance.eventLoopUtilization();
        const cpu = process.cpuUsage();
        profiler.phase = 'in';
        round = await flow(this.producer, commandTopic, batch, observer, this.options.timeoutMs);
        await this.caughtUp(group);
        profiler.phase = undefined;
        eventLoopUtilization = performance.eventLoopUtilization(elu).utilization;
        spanMs = performance.now() - round.start;
        const used = process.cpuUsage(cpu);
        cpuMs = (used.user + used.system) / 1000;
        cpuProfile = await sampler.stop();
      } finally {
        gcObserver.disconnect();
        for (const [pattern, handler] of originals) handlers.set(pattern, handler);
      }
      const end = Math.max(...['process:command', 'process:other', 'commit'].map((k) => profiler.lastEnd.get(`in/${k}`) ?? 0));
      const windowMs = end - round.start;

      // Alone: the same steps on the idle service, one at a time.
      const served: CustomerState = (await customers.get(customerOf(batch.messages[0]))) ?? emptyCustomerState('scratch');
      const decodedEvent = decode(eventBytes);
      if (!decodedEvent.ok) throw new Error(`the service's own event does not decode: ${decodedEvent.message}`);
      const { envelope } = decodedEvent;
      const folded = { id: envelope.id, time: envelope.time, type: envelope.type, data: envelope.data } as Parameters<typeof evolve>[1];
      const scratch = `scratch-${this.options.run}`;
      const scratchTopic = 'bench.scratch.v1';
      await this.admin.createTopics({ waitForLeaders: true, topics: [{ topic: this.topic(scratchTopic), numPartitions: this.settings.partitions, replicationFactor: this.settings.replicationFactor }] });
      const repeat = async (count: number, step: (i: number) => Promise<unknown>) => {
        for (let i = 0; i < count; i++) await step(i);
      };
      await repeat(20, () => partners.getMany([resellerId])); // warm, unrecorded
      profiler.phase = 'alone';
      await repeat(300, () => partners.getMany([resellerId]));
      // A customer like those of the round (profile + one request), saved under a scratch id.
      await repeat(300, (i) => customers.update(scratch, `scratch-msg-${i}`, () => evolve({ ...served, customerId: scratch }, folded)));
      await repeat(300, (i) => profiler.time('produce', () => publisher.sendRaw(scratchTopic, [{ key: `k-${i % 50}`, value: eventBytes }])));
      profiler.phase = undefined;
      const cpu = measureTogether({ command: { fn: () => decode(commandBytes), iterations: 200 }, event: { fn: () => decode(eventBytes), iterations: 200 } }, 7, 100);

      const calls = (k: string) => profiler.of('in', k).length;
      const total = (k: string) => profiler.total('in', k);
      const alone = (k: string) => (profiler.of('alone', k).length ? { aloneP50: percentile(profiler.of('alone', k), 50), aloneP99: percentile(profiler.of('alone', k), 99) } : {});
      const step = (name: string, key: string, extra: Partial<ProfileStep> = {}): ProfileStep => ({
        name,
        perCommand: calls(key) / n,
        meanMs: total(key) / Math.max(1, calls(key)),
        totalMs: total(key),
        ...alone(key),
        ...extra,
      });
      const handled = total('process:command') + total('process:other');
      const inHandlers = total('handler');
      const io = total('partners') + total('load') + total('save') + total('saved') + total('publish');
      const messages = calls('process:command') + calls('process:other');
      return {
        n,
        windowMs,
        eventLoopUtilization,
        cpuMs,
        spanMs,
        gcPauseMs: gc.ms,
        gcPauses: gc.count,
        cpu: cpuProfile,
        throughput: n / (round.elapsedMs / 1000),
        messagesPerCommand: messages / n,
        steps: [
          {
            name: 'consumer loop outside the handler: fetches, heartbeats, batch bookkeeping',
            perCommand: NaN,
            meanMs: NaN,
            totalMs: windowMs - handled - total('commit'),
          },
          step('offset commits (one per batch and partition)', 'commit'),
          {
            name: 'transport, before the handler: decode + validate (class-validator), route',
            perCommand: messages / n,
            meanMs: (handled - inHandlers) / Math.max(1, messages),
            totalMs: handled - inHandlers,
            // Alone: decode() of a command and of an event, averaged.
            aloneP50: (1000 / cpu.command.opsPerSec + 1000 / cpu.event.opsPerSec) / 2,
          },
          {
            name: 'handler, not I/O: Nest proxy, KeyedLock, decide/fold, envelopes and ids',
            perCommand: messages / n,
            meanMs: (inHandlers - io) / Math.max(1, messages),
            totalMs: inHandlers - io,
          },
          step('reseller lookup (Redis HGET)', 'partners'),
          step('state load (Redis: HMGET + ZSCORE, pipelined)', 'load'),
          step('state CAS write (Redis EVAL)', 'save'),
          ...(hasSaved ? [step('after each write: derived indexes, e.g. the due index (Redis)', 'saved')] : []),
          { ...step('produce RelationshipRequested (idempotent, acks=all, 1 in flight)', 'publish'), ...alone('produce') },
        ],
      };
    } finally {
      profiler.phase = undefined;
      profiler.restore();
    }
  }

  /** One RelationshipRequested as the service produced it. */
  private async sampleEvent(): Promise<Buffer> {
    const consumer = this.kafka.consumer({ groupId: `${this.settings.namespace}bench-sample`, maxWaitTimeInMs: 100 });
    let value: Buffer | undefined;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [this.topic(Topics.requestEvents)], fromBeginning: true });
      const got = new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            if (!value && message.value && message.value.includes('"RelationshipRequested"')) value = Buffer.from(message.value);
            if (value) resolve();
          },
        });
      });
      await Promise.race([got, sleep(10_000)]);
    } finally {
      await consumer.disconnect();
    }
    if (!value) throw new Error('no RelationshipRequested to sample');
    return value;
  }

  /** Stops what this bench started; the topics and keys are deleted by the run's `cleanup()`. */
  async stop(): Promise<void> {
    this.stopping = true;
    const quietly = (p: Promise<unknown> | undefined) => (p ?? Promise.resolve()).catch((error) => console.warn(`bench stop: ${error}`));
    await quietly(this.service?.close());
    await Promise.all(this.observers.map((o) => quietly(o.stop())));
    await quietly(this.producer.disconnect());
    const groups = [this.serviceGroup, ...this.observers.map((o) => o.groupId), `${this.settings.namespace}bench-sample`].filter((g): g is string => !!g);
    // One by one: a group that never came to be (the size probe, after a failure) is no error worth telling.
    for (const group of groups) await this.admin.deleteGroups([group]).catch(() => undefined);
    await quietly(this.admin.disconnect());
  }
}

const SIZES = {
  full: { n: 1000, rounds: 5, warmup: 500, sequential: 100 },
  quick: { n: 100, rounds: 1, warmup: 50, sequential: 10 },
};

/**
 * `pipeline`: the request-service booted in this process, so that its own steps can be timed in
 * place (bench/profiler.ts) beside a CPU profile; against a raw kafkajs produce → consume. It runs
 * in a Kafka namespace and Redis prefix of its own under the run's, so that the services the
 * intake and freshness benchmarks start (their request-service is in a group of that name too)
 * never see its commands.
 */
export const pipeline: Benchmark = {
  name: 'pipeline',
  title: 'the request-service in this process (command → RelationshipRequested), its steps timed in place, vs raw kafkajs produce → consume',
  async run(context: BenchContext): Promise<BenchResult> {
    const { n, rounds, warmup, sequential } = SIZES[context.size];
    const outer = { namespace: process.env.KAFKA_NAMESPACE, keyPrefix: process.env.REDIS_KEY_PREFIX };
    process.env.KAFKA_NAMESPACE = `${outer.namespace ?? ''}pipeline.`;
    process.env.REDIS_KEY_PREFIX = `${outer.keyPrefix ?? ''}pipeline:`;
    const bench = new PipelineBench({ n, rounds, warmup, sequential, run: 'pipeline', timeoutMs: 60_000, log: context.log });
    try {
      return pipelineReport(n, rounds, await bench.run());
    } finally {
      await bench.stop();
      process.env.KAFKA_NAMESPACE = outer.namespace;
      process.env.REDIS_KEY_PREFIX = outer.keyPrefix;
    }
  },
};

function pipelineReport(n: number, rounds: number, pipe: PipelineResult): BenchResult {
  const seqRow = (id: string, name: string, round: FlowRound, baseline?: { id: string; round: FlowRound }): BenchRow => ({
    id,
    name,
    n: `${round.n}×1`,
    rate: round.throughput,
    unit: 'cmd/s',
    p50Ms: round.p50,
    p99Ms: round.p99,
    ...(baseline ? { baseline: baseline.id, ratio: round.throughput / baseline.round.throughput } : {}),
  });
  const rows: BenchRow[] = [
    {
      id: '3a',
      name: 'pipeline: RequestRelationship → request-service → RelationshipRequested',
      n: `${n}×${rounds}`,
      rate: pipe.pipeline.throughput,
      unit: 'cmd/s',
      p50Ms: pipe.pipeline.p50,
      p99Ms: pipe.pipeline.p99,
      baseline: '3b',
      ratio: pairedRatio(pipe.pipeline.throughputs, pipe.raw.throughputs),
    },
    { id: '3b', name: `baseline: raw kafkajs produce→consume [${bytes(pipe.messageBytes)}]`, n: `${n}×${rounds}`, rate: pipe.raw.throughput, unit: 'msg/s', p50Ms: pipe.raw.p50, p99Ms: pipe.raw.p99 },
    seqRow('3c', 'pipeline, one command at a time (nothing queued in front)', pipe.pipelineSequential, { id: '3d', round: pipe.rawSequential }),
    seqRow('3d', 'baseline: raw kafkajs, one message at a time', pipe.rawSequential),
  ];
  const prof = pipe.profile;
  const perCommandMs = prof.windowMs / prof.n;
  const steps = markdownTable(
    ['step', 'calls/cmd', 'mean in round', 'alone p50', 'alone p99', 'per command', 'share'],
    [
      ...prof.steps.map((st) => [
        st.name,
        Number.isNaN(st.perCommand) ? '-' : st.perCommand.toFixed(2),
        Number.isNaN(st.meanMs) ? '-' : duration(st.meanMs),
        st.aloneP50 === undefined ? '-' : duration(st.aloneP50),
        st.aloneP99 === undefined ? '-' : duration(st.aloneP99),
        duration(st.totalMs / prof.n),
        `${((st.totalMs / prof.windowMs) * 100).toFixed(0)}%`,
      ]),
      ['total (window ÷ N)', '', '', '', '', duration(perCommandMs), '100%'],
    ],
  );
  return {
    rows,
    notes: [
      `The request-service moves commands at ${ratio(rows[0].ratio!)} the rate of bare Kafka produce→consume (${rate(pipe.pipeline.throughput)} vs ${rate(pipe.raw.throughput)} msg/s), ` +
        `with ${ratio(median(pipe.pipeline.rounds.map((r, i) => r.p50 / pipe.raw.rounds[i].p50)))} its p50 latency. One at a time (3c vs 3d), a command takes ${duration(pipe.pipelineSequential.p50)} (p50) ` +
        `from publish to event against ${duration(pipe.rawSequential.p50)} for a bare Kafka hop: the burst p50 of 3a is queueing behind the other commands, not the cost of one.`,
      `Where the time goes: one more round of ${prof.n} commands with the service's steps timed in place (${rate(prof.throughput)} cmd/s, ${duration(perCommandMs)} per command from first publish ` +
        `to last message handled, ${prof.messagesPerCommand.toFixed(2)} messages handled per command); "alone" = the same step run by itself, one at a time, on the idle service.\n\n${steps}`,
      `This process during that round: event loop busy ${(prof.eventLoopUtilization * 100).toFixed(0)}% of the time, CPU ${duration(prof.cpuMs / prof.n)} per command ` +
        `(${((prof.cpuMs / prof.spanMs) * 100).toFixed(0)}% of one core), ${prof.gcPauses} GC pauses totalling ${duration(prof.gcPauseMs)}. "mean in round" includes whatever else the one JS thread ran meanwhile ` +
        '(the bench\'s own producer and observer, kafkajs decoding fetches).',
      `CPU profile of this process over that round (V8 sampling every 0.5 ms; builtins such as socket writes charged to the package that called them): ${profileTables(prof.cpu, prof.n, 12)}`,
      `Service boot ${duration(pipe.bootMs)}; reference data (${pipe.referenceMessages} messages) folded in ${duration(pipe.referenceCatchUpMs)}; after the last event of a round the service needed ` +
        `${pipe.drainMs.map((ms) => duration(ms)).join(', ')} more to reach lag 0; command ${bytes(pipe.messageBytes)}, event ${bytes(pipe.eventBytes)}; RequestRejected ${pipe.rejected}, dead letters ${pipe.deadLetters}.`,
    ],
  };
}
