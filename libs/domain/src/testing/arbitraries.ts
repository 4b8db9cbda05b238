import fc from 'fast-check';
import type {
  ApproveRequest,
  CancelRequest,
  DeclineRequest,
  DelegatedAdminAsk,
  EndRelationship,
  PartnerKind,
  RequestRelationship,
  RevokeDelegatedAdmin,
} from '@mp/contracts';
import { message, Outgoing } from '../outgoing';
import { PartnerMessage } from '../partner-state';
import { CUSTOMER } from './fixtures';

/**
 * Generators for property-based tests of the deciders and the fold: random histories of ONE customer,
 * a handful of partners and a moving clock. Ids come from small pools so that collisions (the same
 * requestId twice, two requests of the same reseller, a subscription re-created...) happen often.
 */

export const ADMINS = ['admin-1', 'admin-2'];
export const INTRUDER = 'intruder';
export const AGENT = { userId: 'agent-1' };
export const DIRECT_RESELLERS = ['r1', 'r2'];
export const INDIRECT_RESELLERS = ['i1', 'i2'];
export const PROVIDERS = ['p1', 'p2'];
export const PARTNERS = [...DIRECT_RESELLERS, ...INDIRECT_RESELLERS, ...PROVIDERS];
/** Who may send a RequestRelationship: the resellers, plus a provider and a partner never registered. */
export const REQUESTERS = [...DIRECT_RESELLERS, ...INDIRECT_RESELLERS, 'p1', 'ghost'];
const requesterArb = fc.oneof({ arbitrary: fc.constantFrom(...DIRECT_RESELLERS, ...INDIRECT_RESELLERS), weight: 6 }, { arbitrary: fc.constantFrom('p1', 'ghost'), weight: 1 });
export const SERVICES = ['Azure', 'M365', 'Dynamics'];
export const ROLES = ['HelpdeskAgent', 'GlobalAdministrator', 'BillingAdmin'];
export const REQUEST_IDS = ['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8', 'q9', 'q10'];
export const SUBSCRIPTION_IDS = ['s1', 's2'];
export const COUNTRIES = ['DE', 'FR', 'JP'];

/** A partner's kind follows from its id, so a re-registration never changes it. */
export function kindOf(partnerId: string): PartnerKind {
  if (partnerId.startsWith('i')) return 'indirect-reseller';
  if (partnerId.startsWith('p')) return 'indirect-provider';
  return 'direct-reseller';
}

/**
 * One step of a history: upstream reference data, a command, or time passing (then the timers run).
 * `aim`, when given, points the command at what exists when it runs (the aim-th pending request, or
 * active relationship, by id; see `aimAt` in `model.ts`), so that most commands hit something; without it the command's own ids are
 * used as generated (mostly hitting nothing: the rejection paths).
 */
export type Step =
  | { kind: 'customer'; message: Outgoing }
  | { kind: 'subscription'; message: Outgoing }
  | { kind: 'partner'; message: PartnerMessage }
  | { kind: 'request'; command: RequestRelationship }
  | { kind: 'cancel'; command: CancelRequest; aim?: number }
  | { kind: 'approve'; command: ApproveRequest; aim?: number }
  | { kind: 'decline'; command: DeclineRequest; aim?: number }
  | { kind: 'end'; command: EndRelationship; aim?: number }
  | { kind: 'revoke'; command: RevokeDelegatedAdmin; aim?: number }
  | { kind: 'advance'; days: number };

/** Drops the keys whose value is undefined, as a JSON message would. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const opt = <T>(arb: fc.Arbitrary<T>, freq = 2) => fc.option(arb, { nil: undefined, freq });

/** Three times out of four, aim at something that exists when the step runs. */
const aimArb = opt(fc.nat({ max: 7 }), 4);

/** Mostly an admin, sometimes the other admin, sometimes a user who is not (or no longer) one. */
export const customerUserArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constant(ADMINS[0]), weight: 6 },
  { arbitrary: fc.constant(ADMINS[1]), weight: 1 },
  { arbitrary: fc.constant(INTRUDER), weight: 1 },
);

export const countryArb = fc.oneof({ arbitrary: fc.constant('DE'), weight: 5 }, { arbitrary: fc.constantFrom('FR', 'JP'), weight: 1 });

// ---- reference data ----------------------------------------------------------------------------

export const customerRegisteredArb: fc.Arbitrary<Outgoing> = fc
  .record({ country: countryArb, admins: fc.subarray(ADMINS), name: fc.constantFrom('Contoso', 'Fabrikam') })
  .map(({ country, admins, name }) => message('CustomerRegistered', { customerId: CUSTOMER, name, country, admins }));

export const customerStepArb: fc.Arbitrary<Step> = fc
  .oneof(
    { arbitrary: customerRegisteredArb, weight: 1 },
    {
      arbitrary: fc
        .record({ added: fc.boolean(), userId: fc.constantFrom(...ADMINS, INTRUDER) })
        .map(({ added, userId }) => message(added ? 'CustomerAdminAdded' : 'CustomerAdminRemoved', { customerId: CUSTOMER, userId })),
      weight: 2,
    },
  )
  .map((m) => ({ kind: 'customer' as const, message: m }));

export const subscriptionStepArb: fc.Arbitrary<Step> = fc
  .oneof(
    {
      arbitrary: fc
        .record({
          subscriptionId: fc.constantFrom(...SUBSCRIPTION_IDS),
          partnerOfRecordId: fc.constantFrom(...PARTNERS),
          service: fc.constantFrom(...SERVICES),
          quantity: fc.integer({ min: 1, max: 100 }),
        })
        .map((d) => message('SubscriptionCreated', { customerId: CUSTOMER, ...d })),
      weight: 3,
    },
    {
      arbitrary: fc.constantFrom(...SUBSCRIPTION_IDS).map((subscriptionId) => message('SubscriptionCancelled', { subscriptionId, customerId: CUSTOMER })),
      weight: 1,
    },
    {
      arbitrary: fc
        .record({
          subscriptionId: fc.constantFrom(...SUBSCRIPTION_IDS),
          partnerOfRecordId: fc.constantFrom(...PARTNERS),
          previousPartnerOfRecordId: opt(fc.constantFrom(...PARTNERS)),
        })
        .map((d) => message('PartnerOfRecordChanged', compact({ customerId: CUSTOMER, ...d }))),
      weight: 1,
    },
  )
  .map((m) => ({ kind: 'subscription' as const, message: m }));

export const partnerRegisteredArb = (partnerId: fc.Arbitrary<string>): fc.Arbitrary<PartnerMessage> =>
  fc
    .record({
      partnerId,
      countries: fc.oneof({ arbitrary: fc.constant<string[]>(['DE', 'FR']), weight: 4 }, { arbitrary: fc.subarray(COUNTRIES, { minLength: 1 }), weight: 1 }),
      specializations: fc.subarray(SERVICES),
    })
    .map(({ partnerId, countries, specializations }) => ({
      type: 'PartnerRegistered' as const,
      data: { partnerId, name: `Partner ${partnerId}`, kind: kindOf(partnerId), specializations, countries },
    }));

const linkArb = fc.record({ indirectProviderId: fc.constantFrom(...PROVIDERS), indirectResellerId: fc.constantFrom(...INDIRECT_RESELLERS) });

export const partnerStepArb: fc.Arbitrary<Step> = fc
  .oneof(
    partnerRegisteredArb(fc.constantFrom(...PARTNERS)),
    fc
      .record({ suspended: fc.boolean(), partnerId: fc.constantFrom(...PARTNERS) })
      .map(({ suspended, partnerId }): PartnerMessage => (suspended ? { type: 'PartnerSuspended', data: { partnerId } } : { type: 'PartnerReinstated', data: { partnerId } })),
    fc.record({ linked: fc.boolean(), link: linkArb }).map(({ linked, link }): PartnerMessage => (linked ? { type: 'PartnersLinked', data: link } : { type: 'PartnersUnlinked', data: link })),
  )
  .map((m) => ({ kind: 'partner' as const, message: m }));

// ---- commands ----------------------------------------------------------------------------------

export const delegatedAdminAskArb: fc.Arbitrary<DelegatedAdminAsk> = fc.record({
  roles: fc.subarray(ROLES, { minLength: 1 }),
  durationDays: fc.oneof(
    { arbitrary: fc.constantFrom(1, 7, 30), weight: 3 },
    { arbitrary: fc.constantFrom(90, 180, 730), weight: 1 },
    { arbitrary: fc.integer({ min: 1, max: 730 }), weight: 1 },
  ),
  autoExtend: fc.oneof({ arbitrary: fc.constant(false), weight: 2 }, { arbitrary: fc.constant(true), weight: 1 }),
});

export const requestStepArb: fc.Arbitrary<Step> = fc
  .record({
    requestId: fc.constantFrom(...REQUEST_IDS),
    resellerId: requesterArb,
    services: fc.subarray(SERVICES, { minLength: 1 }),
    delegatedAdmin: opt(delegatedAdminAskArb, 2),
    // `auto`: the provider an indirect reseller is usually linked to, none for the others.
    via: fc.oneof({ arbitrary: fc.constant('auto'), weight: 6 }, { arbitrary: fc.constantFrom('none', 'p1', 'p2'), weight: 1 }),
    message: opt(fc.string({ maxLength: 20 }), 4),
  })
  .map(({ via, ...d }) => {
    const indirectProviderId = via === 'auto' ? (kindOf(d.resellerId) === 'indirect-reseller' ? 'p1' : undefined) : via === 'none' ? undefined : via;
    const command: RequestRelationship = compact({ ...d, customerId: CUSTOMER, indirectProviderId, requestedBy: AGENT });
    return { kind: 'request' as const, command };
  });

export const cancelStepArb: fc.Arbitrary<Step> = fc
  .record({ requestId: fc.constantFrom(...REQUEST_IDS), resellerId: fc.constantFrom(...REQUESTERS), aim: aimArb })
  .map(({ aim, ...d }) => compact({ kind: 'cancel' as const, command: { ...d, customerId: CUSTOMER, cancelledBy: AGENT }, aim }));

export const approveStepArb: fc.Arbitrary<Step> = fc
  .record({
    requestId: fc.constantFrom(...REQUEST_IDS),
    userId: customerUserArb,
    grantDelegatedAdmin: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.boolean(), weight: 2 }),
    aim: aimArb,
  })
  .map(({ requestId, userId, grantDelegatedAdmin, aim }) =>
    compact({
      kind: 'approve' as const,
      command: compact({ requestId, customerId: CUSTOMER, approvedBy: { userId }, grantDelegatedAdmin }) as ApproveRequest,
      aim,
    }),
  );

export const declineStepArb: fc.Arbitrary<Step> = fc
  .record({ requestId: fc.constantFrom(...REQUEST_IDS), userId: customerUserArb, reason: opt(fc.constantFrom('not now', 'too expensive')), aim: aimArb })
  .map(({ requestId, userId, reason, aim }) =>
    compact({
      kind: 'decline' as const,
      command: compact({ requestId, customerId: CUSTOMER, declinedBy: { userId }, reason }) as DeclineRequest,
      aim,
    }),
  );

export const endStepArb: fc.Arbitrary<Step> = fc
  .record({
    resellerId: fc.constantFrom(...REQUESTERS),
    party: fc.constantFrom('customer' as const, 'reseller' as const, 'provider' as const),
    customerUser: customerUserArb,
    reason: opt(fc.constant('moving on')),
    aim: aimArb,
  })
  .map(({ resellerId, party, customerUser, reason, aim }) =>
    compact({
      kind: 'end' as const,
      command: compact({
        customerId: CUSTOMER,
        resellerId,
        endedBy: { party, userId: party === 'customer' ? customerUser : AGENT.userId },
        reason,
      }) as EndRelationship,
      aim,
    }),
  );

export const revokeStepArb: fc.Arbitrary<Step> = fc
  .record({ resellerId: fc.constantFrom(...REQUESTERS), userId: customerUserArb, aim: aimArb })
  .map(({ resellerId, userId, aim }) => compact({ kind: 'revoke' as const, command: { customerId: CUSTOMER, resellerId, revokedBy: { userId } }, aim }));

/** Time passes by a few days, sometimes around the 30-day grants and the 90-day TTL, rarely by a year. */
export const advanceStepArb: fc.Arbitrary<Step> = fc
  .oneof(
    { arbitrary: fc.integer({ min: 1, max: 20 }), weight: 4 },
    { arbitrary: fc.constantFrom(29, 30, 31, 89, 90, 91, 180), weight: 2 },
    { arbitrary: fc.integer({ min: 1, max: 400 }), weight: 1 },
  )
  .map((days) => ({ kind: 'advance' as const, days }));

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: requestStepArb, weight: 6 },
  { arbitrary: approveStepArb, weight: 6 },
  { arbitrary: declineStepArb, weight: 1 },
  { arbitrary: cancelStepArb, weight: 1 },
  { arbitrary: endStepArb, weight: 2 },
  { arbitrary: revokeStepArb, weight: 1 },
  { arbitrary: advanceStepArb, weight: 3 },
  { arbitrary: customerStepArb, weight: 1 },
  { arbitrary: subscriptionStepArb, weight: 2 },
  { arbitrary: partnerStepArb, weight: 1 },
);

/**
 * The usual start: the customer and every partner registered (most selling in the customer's
 * country), the indirect resellers linked to provider p1. The random steps may then change any of it.
 */
export const preludeArb: fc.Arbitrary<Step[]> = fc
  .record({
    customer: fc
      .record({ country: fc.oneof({ arbitrary: fc.constant('DE'), weight: 10 }, { arbitrary: fc.constantFrom('FR', 'JP'), weight: 1 }), both: fc.boolean() })
      .map(({ country, both }) => message('CustomerRegistered', { customerId: CUSTOMER, name: 'Contoso', country, admins: both ? ADMINS : [ADMINS[0]] })),
    partners: fc.tuple(...PARTNERS.map((id) => partnerRegisteredArb(fc.constant(id)))),
  })
  .map(({ customer, partners }) => [
    { kind: 'customer' as const, message: customer },
    ...partners.map((m) => ({ kind: 'partner' as const, message: m })),
    ...INDIRECT_RESELLERS.map((indirectResellerId) => ({
      kind: 'partner' as const,
      message: { type: 'PartnersLinked' as const, data: { indirectProviderId: 'p1', indirectResellerId } },
    })),
  ]);

/**
 * A request and, right after, an admin's decision on the same requestId (approve mostly): the way
 * relationships get established, updated and re-established often enough within short histories.
 */
export const requestThenDecideArb: fc.Arbitrary<Step[]> = fc
  .record({ request: requestStepArb, approve: fc.oneof({ arbitrary: fc.constant(true), weight: 5 }, { arbitrary: fc.constant(false), weight: 1 }), grant: opt(fc.boolean()) })
  .map(({ request, approve, grant }) => {
    const requestId = (request as Extract<Step, { kind: 'request' }>).command.requestId;
    const decision: Step = approve
      ? { kind: 'approve', command: compact({ requestId, customerId: CUSTOMER, approvedBy: { userId: ADMINS[0] }, grantDelegatedAdmin: grant }) as ApproveRequest }
      : { kind: 'decline', command: { requestId, customerId: CUSTOMER, declinedBy: { userId: ADMINS[0] } } };
    return [request, decision];
  });

/** A whole history: the prelude, then up to `maxChunks` random steps (or request-then-decide pairs). */
export const historyArb = (maxChunks = 30): fc.Arbitrary<Step[]> =>
  fc
    .tuple(
      preludeArb,
      fc.array(fc.oneof({ arbitrary: stepArb.map((s) => [s]), weight: 4 }, { arbitrary: requestThenDecideArb, weight: 1 }), {
        minLength: 1,
        maxLength: maxChunks,
        size: 'max',
      }),
    )
    .map(([prelude, chunks]) => [...prelude, ...chunks.flat()]);
