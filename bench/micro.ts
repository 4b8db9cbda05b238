/**
 * In-process micro-benchmarks: the pure rules, the fold, the contract decoder, and the JSON work
 * they are compared to. Each case is warmed up, then run for a fixed number of iterations in
 * several rounds; the median round is reported.
 */
import type { MessageData } from '@mp/contracts';
import { upstreamEnvelope, decode } from '@mp/messaging';
import {
  addDays,
  CustomerEvent,
  CustomerState,
  decideApprove,
  decideCancelRequest,
  decideDecline,
  decideRequestExpiry,
  decideRequestRelationship,
  defaultConsentPolicy,
  defaultRequestPolicy,
  emptyCustomerState,
  emptyPartnerState,
  evolve,
  evolvePartner,
  keptForDecisions,
  message,
  Outgoing,
  PartnerState,
  RequestContext,
} from '@mp/domain';
import { performance } from 'node:perf_hooks';
import type { Benchmark, BenchRow } from './benchmark';
import { pairedRatio } from './report';
import { bytes, duration, median, ratio, spread } from './stats';

export interface MicroResult {
  iterations: number;
  rounds: number;
  /** Operations per second of each round. */
  perRound: number[];
  /** Median of `perRound`. */
  opsPerSec: number;
}

export interface MicroCase {
  fn: () => unknown;
  /** Iterations per round: fixed, chosen so that a round takes some tens of milliseconds. */
  iterations: number;
}

/** Written to after every call, so the optimiser cannot drop the work being measured. */
let sink: unknown;
export const blackhole = () => sink;

function timeRound(fn: () => unknown, iterations: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink = fn();
  const elapsedNs = Number(process.hrtime.bigint() - start);
  return iterations / (elapsedNs / 1e9);
}

/**
 * Measures cases that are compared with each other. Every case is warmed up first (at least two
 * rounds and `warmupMs`), then the rounds are interleaved (a round of each case in turn), so
 * that a drift of the machine (another tenant, a GC, the CPU clock) hits every case alike.
 */
export function measureTogether<K extends string>(cases: Record<K, MicroCase>, rounds = 15, warmupMs = 250): Record<K, MicroResult> {
  const names = Object.keys(cases) as K[];
  for (const name of names) {
    const { fn, iterations } = cases[name];
    const until = performance.now() + warmupMs;
    for (let warm = 0; warm < 2 || performance.now() < until; warm++) timeRound(fn, iterations);
  }
  const perRound = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r < rounds; r++) {
    for (const name of names) perRound[name].push(timeRound(cases[name].fn, cases[name].iterations));
  }
  return Object.fromEntries(
    names.map((name) => [name, { iterations: cases[name].iterations, rounds, perRound: perRound[name], opsPerSec: median(perRound[name]) }]),
  ) as Record<K, MicroResult>;
}

// ---------------------------------------------------------------------------------------------
// A realistic customer: 20 requests in every state, 5 active relationships with privileges,
// 5 subscriptions, built by running the real deciders and folding what they emit with `evolve`.
// ---------------------------------------------------------------------------------------------

const CUSTOMER = 'cust-contoso-0001';
const ADMIN = { userId: 'admin-alice' };
const SERVICES = ['Azure', 'Microsoft365', 'Dynamics365', 'Intune', 'Defender', 'Teams', 'PowerBI', 'Sentinel'];

export interface RulesFixture {
  state: CustomerState;
  /** A command that passes every intake rule, so the decision walks all of them. */
  command: MessageData<'RequestRelationship'>;
  ctx: RequestContext;
  /** What the decision emits, as the fold sees it. */
  event: CustomerEvent;
  stateJsonBytes: number;
}

export function realisticCustomer(): RulesFixture {
  let now = new Date('2025-06-01T09:00:00.000Z');
  let sequence = 0;
  let state = emptyCustomerState(CUSTOMER);
  const partners = new Map<string, PartnerState>();
  const asEvent = (m: Outgoing): CustomerEvent => ({ id: `evt-${++sequence}`, time: now.toISOString(), type: m.type, data: m.data }) as CustomerEvent;
  const apply = (messages: Outgoing[]) => {
    for (const m of messages) state = evolve(state, asEvent(m));
    now = new Date(now.getTime() + 3_600_000);
    return messages;
  };
  const reseller = (n: number) => {
    const partnerId = `reseller-${String(n).padStart(2, '0')}`;
    if (!partners.has(partnerId)) {
      partners.set(
        partnerId,
        evolvePartner(emptyPartnerState(partnerId), {
          type: 'PartnerRegistered',
          data: { partnerId, name: `Partner ${n}`, kind: 'direct-reseller', specializations: ['Azure'], countries: ['DE', 'AT', 'CH'] },
        }),
      );
    }
    return partnerId;
  };
  let requestNo = 0;
  const request = (n: number, services: string[], extra: Partial<MessageData<'RequestRelationship'>> = {}) => {
    const command: MessageData<'RequestRelationship'> = {
      requestId: `req-${++requestNo}`,
      customerId: CUSTOMER,
      resellerId: reseller(n),
      services,
      message: 'We would like to manage your cloud services.',
      requestedBy: { userId: `agent-${n}` },
      ...extra,
    };
    const out = apply(decideRequestRelationship(command, { customer: state, reseller: partners.get(command.resellerId), now, policy: defaultRequestPolicy }));
    return { requestId: command.requestId, type: out[0]?.type };
  };
  const consentCtx = () => ({ customer: state, now, policy: defaultConsentPolicy });
  const expectType = (got: string | undefined, want: string, what: string) => {
    if (got !== want) throw new Error(`bench fixture: ${what} gave ${got}, expected ${want}`);
  };

  apply([
    message('CustomerRegistered', {
      customerId: CUSTOMER,
      name: 'Contoso GmbH',
      country: 'DE',
      admins: [ADMIN.userId, 'admin-bob', 'admin-carol'],
      webhookUrl: 'http://127.0.0.1:9/contoso/mp', // never called: the micro benchmark only folds state
      email: 'it@contoso.example',
    }),
  ]);
  // 5 relationships with delegated admin privileges, one service each (one admin per service).
  for (let n = 1; n <= 5; n++) {
    const asked = request(n, [SERVICES[n - 1]], { delegatedAdmin: { roles: ['HelpdeskAgent', 'UserAdministrator'], durationDays: 180, autoExtend: true } });
    expectType(asked.type, 'RelationshipRequested', 'request');
    expectType(apply(decideApprove({ requestId: asked.requestId, customerId: CUSTOMER, approvedBy: ADMIN }, consentCtx()))[0]?.type, 'RelationshipEstablished', 'approve');
    apply([message('SubscriptionCreated', { subscriptionId: `sub-${n}`, customerId: CUSTOMER, partnerOfRecordId: reseller(n), service: SERVICES[n - 1], quantity: 10 * n })]);
  }
  // 3 of them add a service later.
  for (let n = 1; n <= 3; n++) {
    const asked = request(n, [SERVICES[n + 4]]);
    expectType(apply(decideApprove({ requestId: asked.requestId, customerId: CUSTOMER, approvedBy: ADMIN }, consentCtx()))[0]?.type, 'RelationshipUpdated', 'approve more');
  }
  // 4 declined, 2 cancelled by their reseller.
  for (let n = 6; n <= 9; n++) {
    const asked = request(n, ['Azure', 'Teams']);
    apply(decideDecline({ requestId: asked.requestId, customerId: CUSTOMER, declinedBy: ADMIN, reason: 'Not now.' }, consentCtx()));
  }
  for (let n = 10; n <= 11; n++) {
    const asked = request(n, ['Intune']);
    apply(decideCancelRequest({ requestId: asked.requestId, customerId: CUSTOMER, resellerId: reseller(n), cancelledBy: { userId: `agent-${n}` } }, { customer: state, now }));
  }
  // 2 left to expire.
  request(12, ['PowerBI']);
  request(13, ['Sentinel']);
  now = addDays(now, defaultRequestPolicy.requestTtlDays + 1);
  expectType(apply(decideRequestExpiry(state, now))[1]?.type, 'RequestExpired', 'expiry');
  // 2 refused at intake, 2 still pending.
  expectType(request(14, ['Azure'], { delegatedAdmin: { roles: ['GlobalAdministrator'], durationDays: 30, autoExtend: true } }).type, 'RequestRejected', 'auto-extend');
  expectType(request(1, [SERVICES[0]]).type, 'RequestRejected', 'nothing new');
  request(15, ['Teams']);
  request(16, ['Defender', 'Teams']);

  const requests = Object.keys(state.requests).length;
  const relationships = Object.keys(state.relationships).length;
  if (requests !== 20 || relationships !== 5) throw new Error(`bench fixture: ${requests} requests / ${relationships} relationships`);

  const command: MessageData<'RequestRelationship'> = {
    requestId: 'req-new',
    customerId: CUSTOMER,
    resellerId: reseller(17),
    services: ['Azure', 'Teams'],
    delegatedAdmin: { roles: ['HelpdeskAgent'], durationDays: 90, autoExtend: true },
    message: 'We would like to manage your cloud services.',
    requestedBy: { userId: 'agent-17' },
  };
  const ctx: RequestContext = { customer: state, reseller: partners.get(command.resellerId), now, policy: defaultRequestPolicy };
  const decided = decideRequestRelationship(command, ctx);
  expectType(decided[0]?.type, 'RelationshipRequested', 'bench command');
  return { state, command, ctx, event: asEvent(decided[0]), stateJsonBytes: Buffer.byteLength(JSON.stringify(state)) };
}

/** A valid `RequestRelationship` envelope as the bytes a consumer receives. */
export function requestRelationshipBuffer(): Buffer {
  const data: MessageData<'RequestRelationship'> = {
    requestId: 'req-7d1c0b9e',
    customerId: 'cust-contoso-0001',
    resellerId: 'reseller-17',
    services: ['Azure', 'Teams'],
    delegatedAdmin: { roles: ['HelpdeskAgent'], durationDays: 90, autoExtend: true },
    message: 'We would like to manage your cloud services.',
    requestedBy: { userId: 'agent-17' },
  };
  const buffer = Buffer.from(JSON.stringify(upstreamEnvelope('partner-portal', 'RequestRelationship', data)));
  const decoded = decode(buffer);
  if (!decoded.ok) throw new Error(`bench fixture: the envelope does not decode: ${decoded.message}`);
  return buffer;
}

function microRow(id: string, name: string, result: MicroResult, baseline?: { id: string; result: MicroResult }): BenchRow {
  return {
    id,
    name,
    n: `${result.iterations}×${result.rounds}`,
    rate: result.opsPerSec,
    unit: 'ops/s',
    value: `${duration(1000 / result.opsPerSec)}/op ${spread(result.perRound)}`,
    ...(baseline ? { baseline: baseline.id, ratio: pairedRatio(result.perRound, baseline.result.perRound) } : {}),
  };
}

/**
 * `micro`: the pure rules against the JSON round trip the Redis store pays for the same state on
 * every message (1a–1c), and contract validation against bare `JSON.parse` of the same bytes (2a–2b).
 */
export const micro: Benchmark = {
  name: 'micro',
  title: 'the pure rules vs a JSON round trip of the same state; contract validation vs JSON.parse',
  async run({ size, log }) {
    const rounds = size === 'quick' ? 3 : 15;
    const warmupMs = size === 'quick' ? 50 : 250;
    log('rules: decideRequestRelationship, evolve, JSON round trip of the state...');
    const fixture = realisticCustomer();
    const rules = measureTogether(
      {
        json: { fn: () => JSON.parse(JSON.stringify(fixture.state)), iterations: 400 },
        decide: { fn: () => decideRequestRelationship(fixture.command, fixture.ctx), iterations: 20_000 },
        fold: { fn: () => evolve(fixture.state, fixture.event), iterations: 20_000 },
      },
      rounds,
      warmupMs,
    );
    log('contracts: decode() vs JSON.parse...');
    const buffer = requestRelationshipBuffer();
    const contracts = measureTogether(
      {
        parse: { fn: () => JSON.parse(buffer.toString('utf8')), iterations: 10_000 },
        decoded: { fn: () => decode(buffer), iterations: 400 },
      },
      rounds,
      warmupMs,
    );
    log("a command's work on the state as the request-service keeps it vs on the whole state...");
    // What the request-service does with a customer's state for one command, in process: read it
    // (JSON.parse of what is stored), decide, fold the event, keep its copy, write it (JSON.stringify).
    const storedKept = JSON.stringify(keptForDecisions(fixture.state));
    const storedWhole = JSON.stringify(fixture.state);
    const commandOn = (stored: string, kept: (state: CustomerState) => CustomerState) => () => {
      const state = JSON.parse(stored) as CustomerState;
      const [event] = decideRequestRelationship(fixture.command, { ...fixture.ctx, customer: state });
      return JSON.stringify(kept(evolve(state, { ...fixture.event, type: event.type, data: event.data } as CustomerEvent)));
    };
    const copies = measureTogether(
      {
        kept: { fn: commandOn(storedKept, keptForDecisions), iterations: 400 },
        whole: { fn: commandOn(storedWhole, (state) => state), iterations: 400 },
      },
      rounds,
      warmupMs,
    );
    const json = { id: '1c', result: rules.json };
    const parse = { id: '2b', result: contracts.parse };
    const rows = [
      microRow('1a', 'rules: decideRequestRelationship (20 requests, 5 relationships)', rules.decide, json),
      microRow('1b', 'rules: evolve(state, RelationshipRequested)', rules.fold, json),
      microRow('1c', `baseline: JSON.parse(JSON.stringify(state)) [${bytes(fixture.stateJsonBytes)}]`, rules.json),
      microRow('2a', 'contracts: decode(RequestRelationship envelope)', contracts.decoded, parse),
      microRow('2b', `baseline: JSON.parse(buffer) [${bytes(buffer.length)}]`, contracts.parse),
      microRow('3a', `state: a command on the request-service's copy (keptForDecisions) [${bytes(Buffer.byteLength(storedKept))}]`, copies.kept, { id: '3b', result: copies.whole }),
      microRow('3b', `baseline: the same on the whole state [${bytes(Buffer.byteLength(storedWhole))}]`, copies.whole),
    ];
    const us = (r: MicroResult) => 1e6 / r.opsPerSec;
    const rulesShare = (us(rules.decide) + us(rules.fold)) / (us(rules.decide) + us(rules.fold) + us(rules.json));
    return {
      rows,
      notes: [
        'value = time per operation (1 / rate) and the spread of the rounds (half their interquartile range, relative to the median); ' +
          'the cases of one group ran interleaved, a round of each in turn.',
        `decideRequestRelationship runs at ${ratio(rows[0].ratio!)} and evolve at ${ratio(rows[1].ratio!)} the rate of one JSON round trip of the same state ` +
          `(${duration(us(rules.decide) / 1000)} + ${duration(us(rules.fold) / 1000)} vs ${duration(us(rules.json) / 1000)}): ` +
          `${rulesShare < 0.5 ? 'serialization, not the rules, dominates' : 'the rules, not serialization, dominate'} the in-process work on a customer's state ` +
          `(rules are ${(rulesShare * 100).toFixed(0)}% of decide + evolve + parse/stringify).`,
        `decode() runs at ${ratio(rows[3].ratio!)} the rate of bare JSON.parse: validation (class-transformer + class-validator) adds ` +
          `${duration((us(contracts.decoded) - us(contracts.parse)) / 1000)} per message on top of ${duration(us(contracts.parse) / 1000)} of parsing.`,
        `3: what the request-service does with a customer's state for one RequestRelationship (parse what is stored, decide, fold, keep its copy, serialise it), for the customer of 1a ` +
          `(20 requests, ${Object.values(fixture.state.requests).filter((r) => r.status !== 'pending').length} of them no longer pending; 5 relationships): on its kept copy ` +
          `(${bytes(Buffer.byteLength(storedKept))}) ${duration(us(copies.kept) / 1000)}, on the whole state (${bytes(Buffer.byteLength(storedWhole))}) ${duration(us(copies.whole) / 1000)}: ` +
          `${ratio(rows[5].ratio!)} the rate. Each request no longer pending costs its reseller and status in the kept copy, its whole view and history in the whole state.`,
      ],
    };
  },
};
