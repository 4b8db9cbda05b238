/**
 * `freshness` (issue 10, f): how soon the directory answers with a new reseller once the customer
 * approved it. All four services run as processes (two consent-service and two directory
 * instances); a paced producer keeps a steady background load of 500 commands per second
 * (`RequestRelationship` for other customers, and their `ApproveRequest` a second later).
 *
 * A probe: a request is made and acknowledged (its `RelationshipRequested` seen, and folded by the
 * consent-service: its group's committed offset is past it), then its
 * `ApproveRequest` is produced and `GET /v1/customers/{id}/resellers` is asked back to back (with
 * an ops bearer token) until the new reseller is in the answer. Probe i asks directory instance
 * i mod 2; both serve the same Redis read model. Baseline, measured between the probes under the
 * same load: one bare kafkajs hop, the same `ApproveRequest` produced to a plain topic and consumed.
 */
import { performance } from 'node:perf_hooks';
import { Topics } from '@mp/contracts';
import { Producer } from 'kafkajs';
import { opsHeaders } from '../test/support/tokens';
import type { Benchmark, BenchContext, BenchResult, BenchRow } from './benchmark';
import { approveBatch, Ask, benchKafka, publishReferenceData, requestBatch } from './commands';
import { Observer } from './flow';
import { shareOf } from './report';
import { percentile } from './stats';
import type { BenchSystem } from './system';

/**
 * The quick run (CI: does it work?) keeps a lighter load, so that a small shared runner keeps up with it.
 * The probes stop after `budgetMs` (the run's time budget) when services that fall behind the load make each one slow.
 */
const SIZES = {
  full: { probes: 100, warmup: 10, loadCustomers: 2500, loadPerSecond: 500, budgetMs: 100_000 },
  quick: { probes: 20, warmup: 3, loadCustomers: 500, loadPerSecond: 100, budgetMs: 30_000 },
};
const LOAD_RESELLERS = 20;
/** A background request is approved this long after it was made. */
const APPROVE_AFTER_MS = 3000;
/** A probe that waits this long means the services fell far behind the load: the run says so and ends. */
const TIMEOUT_MS = 60_000;
const PROBE_RESELLER = 'reseller-fresh-probe';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The background load: requests at half the rate, each approved APPROVE_AFTER_MS later, for
 * (customer, reseller) pairs never asked before, so every command is one the services accept.
 */
class PacedLoad {
  private timer?: NodeJS.Timeout;
  private started = 0;
  private requested = 0;
  private approved = 0;
  private inFlight = new Set<Promise<unknown>>();
  failures = 0;
  stoppedAt = 0;

  constructor(
    private readonly producer: Producer,
    private readonly topics: { requests: string; approvals: string },
    private readonly asks: readonly Ask[],
    readonly perSecond: number,
  ) {}

  start(): void {
    this.started = performance.now();
    this.timer = setInterval(() => this.tick(), 10);
  }

  /** Commands produced so far. */
  get sent(): number {
    return this.requested + this.approved;
  }

  /** Runs out when every pair has been asked: the rate would fall below its target. */
  get exhausted(): boolean {
    return this.requested >= this.asks.length;
  }

  private tick(): void {
    const elapsed = performance.now() - this.started;
    const half = this.perSecond / 2;
    const requestsDue = Math.min(this.asks.length, Math.floor((elapsed / 1000) * half));
    const approvalsDue = Math.min(this.requested, Math.floor((Math.max(0, elapsed - APPROVE_AFTER_MS) / 1000) * half));
    this.send(this.topics.requests, requestBatch(this.asks.slice(this.requested, requestsDue)).messages);
    this.requested = Math.max(this.requested, requestsDue);
    this.send(this.topics.approvals, approveBatch(this.asks.slice(this.approved, approvalsDue)).messages);
    this.approved = Math.max(this.approved, approvalsDue);
  }

  private send(topic: string, messages: ReturnType<typeof requestBatch>['messages']): void {
    if (messages.length === 0) return;
    const sending: Promise<unknown> = this.producer.send({ topic, messages }).catch(() => void this.failures++);
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
  }

  /**
   * Stops producing; resolves, once what was in flight is acknowledged, with the rate it kept:
   * the requests' rate plus the approvals' since they began (APPROVE_AFTER_MS after the first request).
   */
  async stop(): Promise<number> {
    clearInterval(this.timer);
    this.stoppedAt = performance.now();
    await Promise.all(this.inFlight);
    const seconds = (this.stoppedAt - this.started) / 1000;
    return this.requested / seconds + this.approved / Math.max(0.001, seconds - APPROVE_AFTER_MS / 1000);
  }
}

interface Probe {
  /** RequestRelationship produced → RelationshipRequested seen. */
  acknowledgedMs: number;
  /** ApproveRequest produced → the directory's answer names the reseller. */
  freshMs: number;
  /** ApproveRequest produced → RelationshipEstablished seen on the topic. */
  eventMs: number;
  /** The bare hop measured right after it. */
  hopMs: number;
  polls: number;
  directory: string;
}

export const freshness: Benchmark = {
  name: 'freshness',
  title: 'ApproveRequest produced → the directory answers with the new reseller, under 500 commands/s of background load (100 with --quick), vs a bare Kafka hop under the same load',
  async run(context: BenchContext): Promise<BenchResult> {
    const { log } = context;
    const { probes, warmup, loadCustomers, loadPerSecond, budgetMs } = SIZES[context.size];
    if (!context.system) throw new Error('freshness needs the services (context.system)');
    const system = await context.system();
    const { settings, kafka, admin, topic, ...client } = benchKafka();
    const producer = client.producer();
    // The load has a producer of its own, so a probe's command never waits in the load's queue.
    const loadProducer = client.producer();
    const rawTopic = topic('bench.freshness.raw');
    const observers = {
      requested: new Observer(kafka, topic('bench-fresh-requested'), topic(Topics.requestEvents), 'RelationshipRequested'),
      established: new Observer(kafka, topic('bench-fresh-established'), topic(Topics.relationshipEvents), 'RelationshipEstablished'),
      raw: new Observer(kafka, topic('bench-fresh-raw'), rawTopic, 'ApproveRequest'),
    };
    let load: PacedLoad | undefined;
    try {
      await admin.connect();
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: rawTopic, numPartitions: settings.partitions, replicationFactor: settings.replicationFactor }] });
      await Promise.all([producer.connect(), loadProducer.connect()]);
      await Promise.all(Object.values(observers).map((o) => o.start()));

      const probeAsks: Ask[] = Array.from({ length: warmup + probes }, (_, i) => ({
        requestId: `req-fresh-probe-${String(i).padStart(4, '0')}`,
        customerId: `cust-fresh-probe-${String(i).padStart(4, '0')}`,
        resellerId: PROBE_RESELLER,
      }));
      const loadResellers = Array.from({ length: LOAD_RESELLERS }, (_, k) => `reseller-fresh-load-${k}`);
      const loadCustomerIds = Array.from({ length: loadCustomers }, (_, i) => `cust-fresh-load-${String(i).padStart(5, '0')}`);
      // Pair j: customer j mod C with reseller j div C, so one customer's requests are far apart.
      const loadAsks: Ask[] = loadResellers.flatMap((resellerId, k) =>
        loadCustomerIds.map((customerId, i) => ({ requestId: `req-fresh-load-${k}-${String(i).padStart(5, '0')}`, customerId, resellerId })),
      );
      log(`reference data: ${LOAD_RESELLERS + 1} resellers, ${loadCustomers + probeAsks.length} customers, folded by every service...`);
      await publishReferenceData(producer, settings, [PROBE_RESELLER, ...loadResellers], [...loadCustomerIds, ...probeAsks.map((a) => a.customerId)]);
      await system.settled();

      const authorization = (await opsHeaders()).authorization;
      const directories = system.of('directory-service');
      load = new PacedLoad(loadProducer, { requests: topic(Topics.requestCommands), approvals: topic(Topics.consentCommands) }, loadAsks, loadPerSecond);
      log(`background load: ${loadPerSecond} commands/s; ${warmup} warm-up probes, then ${probes} probes...`);
      load.start();
      await sleep(APPROVE_AFTER_MS + 1000);

      const probe = async (ask: Ask, i: number): Promise<Probe> => {
        const asked = performance.now();
        await producer.send({ topic: topic(Topics.requestCommands), messages: requestBatch([ask]).messages });
        await observers.requested.waitForAll([ask.requestId], TIMEOUT_MS);
        // Acknowledged: the consent-service has folded the request, so that its approval is decided at once, not held until the request arrives.
        await system.handled('consent-service', Topics.requestEvents, observers.requested.positionOf(ask.requestId)!, TIMEOUT_MS);
        const acknowledgedMs = performance.now() - asked;
        const approval = approveBatch([ask]).messages;
        const directory = directories[i % directories.length];
        const start = performance.now();
        await producer.send({ topic: topic(Topics.consentCommands), messages: approval });
        let polls = 0;
        for (;;) {
          polls++;
          const response = await fetch(`${directory.url}/v1/customers/${ask.customerId}/resellers`, { headers: { authorization } });
          const body = (await response.json()) as { resellers?: Array<{ resellerId: string }> };
          if (body.resellers?.some((r) => r.resellerId === ask.resellerId)) break;
          if (performance.now() - start > TIMEOUT_MS) {
            const lag = [...(await system.lag())].map(([g, l]) => `${g} ${l}`).join(', ');
            throw new Error(
              `${directory.label} did not answer with ${ask.resellerId} for ${ask.customerId} within ${TIMEOUT_MS} ms (last answer ${response.status} ${JSON.stringify(body).slice(0, 300)}; ` +
                `its RelationshipEstablished ${observers.established.at(ask.requestId) === undefined ? 'not seen' : 'seen'}; relationship events seen ${JSON.stringify(Object.fromEntries(observers.established.types))}; lag ${lag})`,
            );
          }
          await sleep(1);
        }
        const freshMs = performance.now() - start;
        await observers.established.waitForAll([ask.requestId], TIMEOUT_MS);
        const eventMs = observers.established.at(ask.requestId)! - start;
        const hopStart = performance.now();
        await producer.send({ topic: rawTopic, messages: approval });
        await observers.raw.waitForAll([ask.requestId], TIMEOUT_MS);
        const hopMs = observers.raw.at(ask.requestId)! - hopStart;
        return { acknowledgedMs, freshMs, eventMs, hopMs, polls, directory: directory.label };
      };
      for (let i = 0; i < warmup; i++) {
        const p = await probe(probeAsks[i], i);
        log(`warm-up probe ${i + 1}/${warmup}: acknowledged in ${p.acknowledgedMs.toFixed(1)} ms, listed ${p.freshMs.toFixed(1)} ms after the approval (event ${p.eventMs.toFixed(1)} ms, bare hop ${p.hopMs.toFixed(1)} ms)`);
      }
      log(`warm-up probes done; load ${load.sent} commands sent, lag ${[...(await system.lag())].map(([g, l]) => `${g} ${l}`).join(', ')}`);
      const results: Probe[] = [];
      /** Why the probes stopped before the last: a probe timed out, the budget was spent, or the load's pairs ran out (the services fell behind it). */
      let cutShort: string | undefined;
      const probing = performance.now();
      for (let i = warmup; i < probeAsks.length && !cutShort; i++) {
        if (performance.now() - probing > budgetMs) {
          cutShort = `the probes took longer than their ${budgetMs / 1000} s budget`;
          break;
        }
        if (load.exhausted) {
          cutShort = `the background load ran out of (customer, reseller) pairs (${loadAsks.length}) after ${results.length} probes, the probes having taken longer than it lasts`;
          break;
        }
        try {
          results.push(await probe(probeAsks[i], i));
        } catch (error) {
          cutShort = `probe ${results.length + 1} of ${probes} gave up: ${(error as Error).message}`;
          log(cutShort);
          continue;
        }
        if (results.length % Math.max(1, Math.floor(probes / 5)) === 0) {
          const fresh = results.map((r) => r.freshMs);
          log(`${results.length}/${probes} probes: p50 ${percentile(fresh, 50).toFixed(1)} ms, max ${Math.max(...fresh).toFixed(1)} ms; load ${load.sent} commands sent`);
        }
      }
      if (results.length === 0) throw new Error(cutShort ?? 'no probe');
      const loadRate = await load.stop();
      const lagAtEnd = await system.lag();
      log('waiting for the services to handle the rest of the load...');
      const drainMs = await system.settled();

      // Nothing applied twice, and the directory lists each probe's reseller once.
      const probed = probeAsks.slice(0, warmup + results.length);
      const listedOnce = await Promise.all(
        probed.map(async (ask) => {
          const response = await fetch(`${directories[0].url}/v1/customers/${ask.customerId}/resellers`, { headers: { authorization } });
          const body = (await response.json()) as { resellers?: Array<{ resellerId: string }> };
          return (body.resellers ?? []).filter((r) => r.resellerId === ask.resellerId).length === 1;
        }),
      );
      return report({
        cutShort,
        results,
        loadRate,
        loadTarget: loadPerSecond,
        loadSent: load.sent,
        loadFailures: load.failures,
        lagAtEnd,
        drainMs,
        listedOnce: listedOnce.filter(Boolean).length,
        probeCount: probed.length,
        twice: observers.requested.repeats + observers.established.repeats,
        resent: observers.requested.duplicateIds + observers.established.duplicateIds,
        rejected: (observers.requested.types.get('RequestRejected') ?? 0) + (observers.established.types.get('ConsentRejected') ?? 0),
        shares: await shares(system),
      });
    } finally {
      await load?.stop();
      await Promise.all(Object.values(observers).map((o) => o.stop().catch(() => undefined)));
      await Promise.all([producer.disconnect(), loadProducer.disconnect()].map((p) => p.catch(() => undefined)));
      for (const o of Object.values(observers)) await admin.deleteGroups([o.groupId]).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  },
};

async function shares(system: BenchSystem): Promise<string> {
  const [approvals, directory] = await Promise.all([system.consumed('consent-service', 'ApproveRequest'), system.consumed('directory-service')]);
  return `ApproveRequest consumed by each consent-service instance (whole run): ${shareOf(approvals)}; messages consumed by each directory instance: ${shareOf(directory)}`;
}

interface Measured {
  cutShort?: string;
  results: Probe[];
  loadRate: number;
  loadTarget: number;
  loadSent: number;
  loadFailures: number;
  lagAtEnd: Map<string, number>;
  drainMs: number;
  listedOnce: number;
  probeCount: number;
  twice: number;
  resent: number;
  rejected: number;
  shares: string;
}

function report(m: Measured): BenchResult {
  const n = m.results.length;
  const of = (pick: (p: Probe) => number) => m.results.map(pick);
  const p50 = (pick: (p: Probe) => number) => percentile(of(pick), 50);
  const p99 = (pick: (p: Probe) => number) => percentile(of(pick), 99);
  const fresh = (p: Probe) => p.freshMs;
  const event = (p: Probe) => p.eventMs;
  const hop = (p: Probe) => p.hopMs;
  const behind = [...m.lagAtEnd].map(([group, lag]) => `${group} ${lag}`).join(', ');
  const rows: BenchRow[] = [
    {
      id: 'f1',
      name: 'ApproveRequest produced → the directory answers with the new reseller',
      n: `${n} probes`,
      p50Ms: p50(fresh),
      p99Ms: p99(fresh),
      baseline: 'f3',
      ratio: p50(fresh) / p50(hop),
      goals: [{ text: 'p99 < 100 ms', met: p99(fresh) < 100 && !m.cutShort }],
    },
    { id: 'f2', name: 'of which: ApproveRequest produced → RelationshipEstablished on the topic', n: `${n} probes`, p50Ms: p50(event), p99Ms: p99(event), baseline: 'f3', ratio: p50(event) / p50(hop) },
    { id: 'f3', name: 'baseline: one bare kafkajs hop (produce → consume) under the same load', n: `${n} hops`, p50Ms: p50(hop), p99Ms: p99(hop) },
    {
      id: 'f4',
      name: 'background load kept (RequestRelationship + ApproveRequest)',
      n: `${m.loadSent} commands`,
      rate: m.loadRate,
      unit: 'cmd/s',
      value: `lag at its end: ${behind}; ${(m.drainMs / 1000).toFixed(1)} s to handle the rest`,
      goals: [{ text: `${m.loadTarget} commands/s kept`, met: m.loadRate >= m.loadTarget * 0.95 && m.loadFailures === 0 }],
    },
    {
      id: 'f5',
      name: 'nothing applied twice (2 consent-service and 2 directory instances)',
      n: `${m.probeCount} probes`,
      value:
        `${m.listedOnce} of ${m.probeCount} probe customers list their reseller exactly once; ${m.twice} events for a request already answered; ` +
        `${m.resent} events re-sent with their first id (dropped by id downstream); ${m.rejected} commands refused (an approval that came before its request was folded)`,
      goals: [{ text: 'none twice', met: m.listedOnce === m.probeCount && m.twice === 0 }],
    },
  ];
  const polls = percentile(of((p) => p.polls), 50);
  const byDirectory = [...new Set(m.results.map((p) => p.directory))].map((label) => {
    const mine = m.results.filter((p) => p.directory === label).map(fresh);
    return `${label} p50 ${percentile(mine, 50).toFixed(1)} ms, p99 ${percentile(mine, 99).toFixed(1)} ms (${mine.length} probes)`;
  });
  return {
    rows,
    notes: [
      ...(m.cutShort ? [`**The probes stopped after ${n}**: ${m.cutShort}.`] : []),
      'A probe: RequestRelationship for a customer of its own, wait for its RelationshipRequested and for the consent-service to have folded it, then produce ApproveRequest and ask GET /v1/customers/{id}/resellers ' +
        `back to back (1 ms apart, a median ${polls} asks per probe) until the reseller is listed; f1 is from that produce to that answer. Probe i asks directory instance i mod 2: ${byDirectory.join('; ')}. ` +
        'f2 is the consent-service\'s part of it, seen by a consumer of the topic; the rest is the directory folding the event into Redis and answering. f3: right after each probe, the same ApproveRequest produced to a plain topic and consumed; ratio = p50 ÷ f3\'s p50.',
      `Under the load a probe's request took ${percentile(of((p) => p.acknowledgedMs), 50).toFixed(0)} ms (p50; p99 ${percentile(of((p) => p.acknowledgedMs), 99).toFixed(0)} ms) from its produce to being folded by the consent-service: how far behind the load the request- and consent-service ran.`,
      `The background load: RequestRelationship at ${m.loadTarget / 2}/s for (customer, reseller) pairs never asked before, each approved ${APPROVE_AFTER_MS / 1000} s later, from a producer of its own; it ran from ${(APPROVE_AFTER_MS + 1000) / 1000} s before the first probe to the last.`,
      `Shares: ${m.shares}.`,
    ],
  };
}
