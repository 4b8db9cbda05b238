/**
 * `intake` (issue 10, a): commands per second through the request-service and the consent-service,
 * each as its own process (two consent-service instances in one group), from the command produced
 * to its event on the output topic: bursts of `RequestRelationship` → `RelationshipRequested`, then
 * of `ApproveRequest` for the requests just made → `RelationshipEstablished`.
 *
 * Baseline: bench/passthrough.ts, a bare kafkajs consume-and-produce of the same messages (same
 * keys, so the same partitions) with the services' producer settings, as many processes in one
 * group as the service has instances, measured the same way and interleaved round by round.
 * Then one at a time (a command, wait for its event, the next), alternating with the pass-through.
 * Throughout, whether anything was applied twice, and how the two consent instances split the work.
 */
import { Topics } from '@mp/contracts';
import type { Benchmark, BenchContext, BenchResult, BenchRow } from './benchmark';
import { approveBatch, Ask, benchKafka, publishReferenceData, requestBatch } from './commands';
import type { CpuSummary } from './cpu-profile';
import { Batch, flow, FlowRound, Observer, oneAtATime } from './flow';
import { pairedRatio, profileTables, shareOf } from './report';
import { median } from './stats';
import { PassThrough } from './system';

const SIZES = {
  full: { n: 5000, rounds: 3, warmup: 500, sequential: 100 },
  quick: { n: 200, rounds: 1, warmup: 50, sequential: 10 },
};
const TIMEOUT_MS = 90_000;
const SERVICES = ['request-service', 'consent-service'];

/** The commands of one burst and the pass-through's copy of it (the very same messages). */
interface Phase {
  service: FlowRound;
  raw: FlowRound;
}

interface Round {
  request: Phase;
  approve: Phase;
}

export const intake: Benchmark = {
  name: 'intake',
  title: 'commands through the request- and consent-service processes (command produced → event on the topic) vs a bare kafkajs pass-through',
  async run(context: BenchContext): Promise<BenchResult> {
    const { log } = context;
    const { n, rounds, warmup, sequential } = SIZES[context.size];
    if (!context.system) throw new Error('intake needs the services (context.system)');
    const system = await context.system();
    const { settings, kafka, admin, topic, ...client } = benchKafka();
    const producer = client.producer();
    const raw = { requestIn: topic('bench.intake.request-in'), requestOut: topic('bench.intake.request-out'), consentIn: topic('bench.intake.consent-in'), consentOut: topic('bench.intake.consent-out') };
    const observers = {
      requested: new Observer(kafka, topic('bench-intake-requested'), topic(Topics.requestEvents), 'RelationshipRequested'),
      established: new Observer(kafka, topic('bench-intake-established'), topic(Topics.relationshipEvents), 'RelationshipEstablished'),
      rawRequest: new Observer(kafka, topic('bench-intake-raw-request'), raw.requestOut, 'RequestRelationship'),
      rawApprove: new Observer(kafka, topic('bench-intake-raw-approve'), raw.consentOut, 'ApproveRequest'),
    };
    const passThroughs: PassThrough[] = [];
    try {
      await admin.connect();
      await admin.createTopics({
        waitForLeaders: true,
        topics: Object.values(raw).map((t) => ({ topic: t, numPartitions: settings.partitions, replicationFactor: settings.replicationFactor })),
      });
      log('starting the pass-through baseline: 1 process beside the request-service, 2 in one group beside the consent-service...');
      passThroughs.push(
        ...(await Promise.all([
          PassThrough.start(raw.requestIn, raw.requestOut, topic('bench-passthrough-request')),
          PassThrough.start(raw.consentIn, raw.consentOut, topic('bench-passthrough-consent')),
          PassThrough.start(raw.consentIn, raw.consentOut, topic('bench-passthrough-consent')),
        ])),
      );
      await producer.connect();
      await Promise.all(Object.values(observers).map((o) => o.start()));

      // Reference data: one reseller per round (so each round's requests are new), customers reused by every round.
      const labels = ['warm', ...Array.from({ length: rounds + 1 }, (_, r) => `r${r}`), 'seq'];
      const resellerOf = (label: string) => `reseller-intake-${label}`;
      const customers = Array.from({ length: Math.max(n, warmup, sequential) }, (_, i) => `cust-intake-${String(i).padStart(5, '0')}`);
      const asks = (label: string, count: number): Ask[] =>
        customers.slice(0, count).map((customerId, i) => ({ requestId: `req-intake-${label}-${String(i).padStart(5, '0')}`, customerId, resellerId: resellerOf(label) }));
      log(`reference data: ${labels.length} resellers, ${customers.length} customers, folded by every service...`);
      await publishReferenceData(producer, settings, labels.map(resellerOf), customers);
      const foldMs = await system.settled(SERVICES);

      /** A burst of requests then of their approvals, each beside the pass-through's copy, which goes first. */
      const burst = async (label: string, count: number): Promise<Round> => {
        const chosen = asks(label, count);
        const requests = requestBatch(chosen);
        const rawRequest = await flow(producer, raw.requestIn, requests, observers.rawRequest, TIMEOUT_MS);
        const request = await flow(producer, topic(Topics.requestCommands), requests, observers.requested, TIMEOUT_MS);
        // The consent-service has folded every RelationshipRequested before the first approval.
        await system.settled(SERVICES);
        const approvals = approveBatch(chosen);
        const rawApprove = await flow(producer, raw.consentIn, approvals, observers.rawApprove, TIMEOUT_MS);
        const approve = await flow(producer, topic(Topics.consentCommands), approvals, observers.established, TIMEOUT_MS);
        await system.settled(SERVICES);
        return { request: { service: request, raw: rawRequest }, approve: { service: approve, raw: rawApprove } };
      };

      log(`warm-up: ${warmup} requests and approvals each way...`);
      await burst('warm', warmup);
      const measured: Round[] = [];
      for (let r = 0; r < rounds; r++) {
        const round = await burst(`r${r}`, n);
        measured.push(round);
        log(
          `round ${r + 1}/${rounds}: requests ${round.request.service.throughput.toFixed(0)} cmd/s (pass-through ${round.request.raw.throughput.toFixed(0)}), ` +
            `approvals ${round.approve.service.throughput.toFixed(0)} cmd/s (pass-through ${round.approve.raw.throughput.toFixed(0)})`,
        );
      }

      log(`one at a time: ${sequential} requests, then their approvals, alternating with the pass-through...`);
      const seq = asks('seq', sequential);
      /** The pass-through and the service take turns, message by message; then both services settle. */
      const alternating = async (rawIn: string, rawObserver: Observer, commandTopic: string, observer: Observer, batch: Batch) => {
        const [rawRound, serviceRound] = await oneAtATime(producer, [{ topic: rawIn, batch, observer: rawObserver }, { topic: topic(commandTopic), batch, observer }], TIMEOUT_MS);
        await system.settled(SERVICES);
        return { raw: rawRound, service: serviceRound };
      };
      const requestOne = await alternating(raw.requestIn, observers.rawRequest, Topics.requestCommands, observers.requested, requestBatch(seq));
      const approveOne = await alternating(raw.consentIn, observers.rawApprove, Topics.consentCommands, observers.established, approveBatch(seq));

      // Where the services' time goes: one more burst with both profiled (not one of the measured rounds, so the sampling costs them nothing).
      const profiledN = Math.min(n, 2000);
      log(`profiled burst: ${profiledN} requests and approvals with the request-service and consent-service#1 sampled...`);
      const profilers = { request: system.profiler('request-service'), consent: system.profiler('consent-service#1') };
      await Promise.all([profilers.request.start(), profilers.consent.start()]);
      const profiled = await burst(`r${rounds}`, profiledN);
      const [requestProfile, consentProfile] = await Promise.all([profilers.request.stop(), profilers.consent.stop()]);

      // Nothing applied twice: every command exactly one event, no event id twice, no refusal, no dead letter.
      const sent = warmup + rounds * n + profiledN + sequential;
      const deadLetters = (await admin.fetchTopicOffsets(topic(Topics.deadLetters))).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
      const approvalsBy = await system.consumed('consent-service', 'ApproveRequest');
      const directoryShare = await system.consumed('directory-service');
      const once = {
        requested: observers.requested.types.get('RelationshipRequested') ?? 0,
        established: observers.established.types.get('RelationshipEstablished') ?? 0,
        rejected: (observers.requested.types.get('RequestRejected') ?? 0) + (observers.established.types.get('ConsentRejected') ?? 0),
        twice: observers.requested.repeats + observers.established.repeats,
        resent: observers.requested.duplicateIds + observers.established.duplicateIds,
      };
      const onceMet = once.requested === sent && once.established === sent && once.rejected === 0 && once.twice === 0 && deadLetters === 0;

      return report({ n, profiledN, rounds, sequential, sent, measured, profiled, one: { requestOne: requestOne.service, rawRequestOne: requestOne.raw, approveOne: approveOne.service, rawApproveOne: approveOne.raw }, once, onceMet, deadLetters, approvalsBy, directoryShare, foldMs, customers: customers.length, requestProfile, consentProfile });
    } finally {
      await Promise.all(Object.values(observers).map((o) => o.stop().catch(() => undefined)));
      await Promise.all(passThroughs.map((p) => p.stop()));
      await producer.disconnect().catch(() => undefined);
      const groups = [...Object.values(observers).map((o) => o.groupId), topic('bench-passthrough-request'), topic('bench-passthrough-consent')];
      for (const group of groups) await admin.deleteGroups([group]).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  },
};

interface Measured {
  n: number;
  profiledN: number;
  rounds: number;
  sequential: number;
  sent: number;
  measured: Round[];
  profiled: Round;
  one: { requestOne: FlowRound; rawRequestOne: FlowRound; approveOne: FlowRound; rawApproveOne: FlowRound };
  once: { requested: number; established: number; rejected: number; twice: number; resent: number };
  onceMet: boolean;
  deadLetters: number;
  approvalsBy: Map<string, number>;
  directoryShare: Map<string, number>;
  foldMs: number;
  customers: number;
  requestProfile: CpuSummary;
  consentProfile: CpuSummary;
}

function report(m: Measured): BenchResult {
  const { n, rounds, sequential, measured } = m;
  const rates = (pick: (r: Round) => FlowRound) => measured.map((r) => pick(r).throughput);
  /** Both bursts of a round as one: 2n commands over the two bursts' time. */
  const both = (pick: (p: Phase) => FlowRound) => measured.map((r) => (2 * n) / ((pick(r.request).elapsedMs + pick(r.approve).elapsedMs) / 1000));
  const burstRow = (id: string, name: string, service: number[], p50: number[], p99: number[], baseline?: { id: string; rounds: number[] }): BenchRow => ({
    id,
    name,
    n: `${n}×${rounds}`,
    rate: median(service),
    unit: 'cmd/s',
    p50Ms: median(p50),
    p99Ms: median(p99),
    ...(baseline ? { baseline: baseline.id, ratio: pairedRatio(service, baseline.rounds) } : {}),
  });
  const svc = (p: Phase) => p.service;
  const raw = (p: Phase) => p.raw;
  const a2 = { id: 'a2', rounds: both(raw) };
  const a4 = { id: 'a4', rounds: rates((r) => r.request.raw) };
  const a6 = { id: 'a6', rounds: rates((r) => r.approve.raw) };
  const a1: BenchRow = { ...burstRow('a1', `intake: ${n} RequestRelationship then ${n} ApproveRequest, through both services`, both(svc), [], [], a2), p50Ms: undefined, p99Ms: undefined };
  a1.goals = [{ text: 'rate ≥ 0.5× the pass-through', met: a1.ratio! >= 0.5 }];
  const oneRow = (id: string, name: string, round: FlowRound, baseline?: { id: string; round: FlowRound }): BenchRow => {
    const row: BenchRow = { id, name, n: `${sequential}×1`, rate: round.throughput, unit: 'cmd/s', p50Ms: round.p50, p99Ms: round.p99 };
    if (!baseline) return row;
    const ratio = round.p50 / baseline.round.p50;
    return {
      ...row,
      value: `p50 ${ratio.toFixed(2)}× the hop's`,
      baseline: baseline.id,
      ratio: round.throughput / baseline.round.throughput,
      goals: [
        { text: 'p50 ≤ 3× the raw hop', met: ratio <= 3 },
        { text: 'p99 ≤ 10 ms', met: round.p99 <= 10 },
      ],
    };
  };
  const { requestOne, rawRequestOne, approveOne, rawApproveOne } = m.one;
  const rows: BenchRow[] = [
    a1,
    { ...burstRow('a2', 'baseline: the same commands through the bare kafkajs pass-through (1 + 2 processes)', a2.rounds, [], []), p50Ms: undefined, p99Ms: undefined },
    burstRow('a3', 'RequestRelationship → request-service → RelationshipRequested, in bursts', rates((r) => r.request.service), measured.map((r) => r.request.service.p50), measured.map((r) => r.request.service.p99), a4),
    burstRow('a4', 'baseline: pass-through, 1 process', a4.rounds, measured.map((r) => r.request.raw.p50), measured.map((r) => r.request.raw.p99)),
    burstRow('a5', 'ApproveRequest → consent-service ×2 → RelationshipEstablished, in bursts', rates((r) => r.approve.service), measured.map((r) => r.approve.service.p50), measured.map((r) => r.approve.service.p99), a6),
    burstRow('a6', 'baseline: pass-through, 2 processes in one group', a6.rounds, measured.map((r) => r.approve.raw.p50), measured.map((r) => r.approve.raw.p99)),
    oneRow('a7', 'RequestRelationship one at a time (nothing queued in front)', requestOne, { id: 'a8', round: rawRequestOne }),
    oneRow('a8', 'baseline: one message through the pass-through', rawRequestOne),
    oneRow('a9', 'ApproveRequest one at a time (nothing queued in front)', approveOne, { id: 'a10', round: rawApproveOne }),
    oneRow('a10', 'baseline: one message through the pass-through ×2', rawApproveOne),
    {
      id: 'a11',
      name: 'nothing applied twice (2 consent-service instances)',
      n: `${m.sent}+${m.sent}`,
      value: `${m.once.requested} RelationshipRequested and ${m.once.established} RelationshipEstablished for ${m.sent} of each command; ${m.once.twice} for a request already answered, ${m.once.resent} re-sent with their first id, ${m.once.rejected} refused, ${m.deadLetters} dead letters`,
      goals: [{ text: 'each command exactly its event, none twice', met: m.onceMet }],
    },
  ];
  const perRound = (pick: (r: Round) => Phase) =>
    measured.map((r) => `${pick(r).service.throughput.toFixed(0)} vs ${pick(r).raw.throughput.toFixed(0)}`).join(' | ');
  const notes = [
    'rate: commands from the first handed to the producer to the last event seen on the output topic (a1/a2: both bursts of a round, 2N commands over their two durations); ' +
      'p50/p99: from handing a command to the producer to seeing its event, so in a burst it includes the queue in front of it. ' +
      'One at a time (a7–a10): the rate is 1 / the mean latency; ratio = rate ÷ the baseline\'s, and the value column gives the p50 ÷ the hop\'s p50 the goal is about.',
    `Each round: the burst of requests through the pass-through, then through the request-service; once both services had handled everything, the approvals the same way. ` +
      'The two directory instances and the notification-service run throughout and fold the services\' events as they come, as in production; nothing but the bench reads the pass-through\'s output. ' +
      `Per round (service vs pass-through, cmd/s): requests ${perRound((r) => r.request)}; approvals ${perRound((r) => r.approve)}.`,
    `Shares: the ApproveRequest commands consumed by each consent-service instance: ${shareOf(m.approvalsBy)}; messages consumed by each directory instance meanwhile: ${shareOf(m.directoryShare)}. ` +
      `The split follows the partitions each instance was given (${process.env.KAFKA_PARTITIONS ?? '?'} per topic).`,
    `Reference data: ${m.customers} customers and their resellers folded by every service in ${(m.foldMs / 1000).toFixed(1)} s before the first burst.`,
    `CPU profile of the request-service process during one more burst (${m.profiledN} requests then ${m.profiledN} approvals, ${m.profiled.request.service.throughput.toFixed(0)} and ${m.profiled.approve.service.throughput.toFixed(0)} cmd/s; ` +
      'V8 sampling every 0.5 ms through the inspector; per command = busy time ÷ the requests it handled):\n\n' +
      profileTables(m.requestProfile, m.profiledN),
    `CPU profile of consent-service#1 over the same burst (per command = busy time ÷ ${m.profiledN}, though it handled only its share of the approvals):\n\n` + profileTables(m.consentProfile, m.profiledN, 6),
  ];
  return { rows, notes };
}
