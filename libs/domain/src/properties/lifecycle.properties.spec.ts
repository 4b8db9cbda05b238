import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { ConsentRejectionReasons, RequestRejectionReasons, UserRef, validateData } from '@mp/contracts';
import { addDays } from '../clock';
import { AUTO_EXTEND_DAYS } from '../consent/consent-policy';
import { CustomerEvent, LifecycleEventTypes } from '../customer-events';
import { CustomerState, emptyCustomerState, RequestView } from '../customer-state';
import { foldCustomer } from '../evolve';
import { Outgoing } from '../outgoing';
import { defaultRequestPolicy } from '../request/request-policy';
import { historyArb, Step } from '../testing/arbitraries';
import { CUSTOMER } from '../testing/fixtures';
import { interleave, resellerOfStep, Run, runHistory, Trace } from '../testing/model';
import { globalAdministratorNeverAutoExtends } from '../testing/invariants';

/**
 * Property-based tests of the deciders and the fold (DESIGN §1, §5, §6-§7): random histories of one
 * customer, a handful of partners and a moving clock, decided and folded as the services would
 * (`testing/model.ts`, generators in `testing/arbitraries.ts`), and the promised invariants checked
 * after every step. fast-check picks a new seed each run and prints it with the shrunk
 * counterexample on failure; replay one with `{ seed, path }` in the `fc.assert` parameters.
 */

/** 200 by default (the file runs in a few seconds); `FC_NUM_RUNS=5000 npx jest libs/domain/src/properties` to dig deeper. */
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 200);
const params = { numRuns: NUM_RUNS };

/** Runs `check` on the trace of every generated history. */
const forAllHistories = (check: (run: Run) => void, numRuns = NUM_RUNS) =>
  fc.assert(
    fc.property(historyArb(), (steps) => check(runHistory(steps))),
    { numRuns },
  );

// jest's matchers are slow in loops of thousands of checks: compare cheaply first and only hand a
// difference to jest, for its message.
function expectSame(actual: unknown, expected: unknown): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual).toEqual(expected);
}
function expectMatch(actual: unknown, partial: Record<string, unknown>): void {
  const fields = (actual ?? {}) as Record<string, unknown>;
  if (actual === undefined || !Object.keys(partial).every((k) => isDeepStrictEqual(fields[k], partial[k]))) expect(actual).toMatchObject(partial);
}
function expectThat(condition: boolean, what: () => string): void {
  if (!condition) throw new Error(what());
}

const TERMINAL_REQUEST = ['approved', 'declined', 'cancelled', 'expired', 'rejected'];
const SUBSCRIPTION_TYPES = ['SubscriptionCreated', 'SubscriptionCancelled', 'PartnerOfRecordChanged'];
const REJECTION_REASONS: readonly string[] = [...RequestRejectionReasons, ...ConsentRejectionReasons];

const eventsFor = (t: Trace, type: CustomerEvent['type'], resellerId: string) =>
  t.events.filter((e) => e.type === type && 'resellerId' in e.data && e.data.resellerId === resellerId);

const covers = (list: readonly string[], items: readonly string[]) => items.every((item) => list.includes(item));

/** The user a command step is decided for: every rejection names them as its actor. */
function actorOf(step: Step): UserRef | undefined {
  switch (step.kind) {
    case 'request':
      return step.command.requestedBy;
    case 'cancel':
      return step.command.cancelledBy;
    case 'approve':
      return step.command.approvedBy;
    case 'decline':
      return step.command.declinedBy;
    case 'end':
      return { userId: step.command.endedBy.userId };
    case 'revoke':
      return step.command.revokedBy;
    default:
      return undefined;
  }
}

const requestStatuses = (state: CustomerState) => Object.fromEntries(Object.entries(state.requests).map(([id, r]) => [id, r.status]));

/** A request view with its history as a set (ordered by event id), for comparisons that ignore tie order. */
const historyAsSet = (requests: Record<string, RequestView>) =>
  Object.fromEntries(Object.entries(requests).map(([id, r]) => [id, { ...r, history: [...r.history].sort((a, b) => a.eventId.localeCompare(b.eventId)) }]));

describe('properties of the request and consent lifecycle (random histories)', () => {
  it('1. a terminal state is never left', () => {
    forAllHistories(({ trace }) => {
      for (const t of trace) {
        // Requests: approved / declined / cancelled / expired / rejected stay exactly as they are.
        for (const [id, request] of Object.entries(t.before.requests)) {
          if (TERMINAL_REQUEST.includes(request.status)) expectSame(t.after.requests[id], request);
        }
        for (const [resellerId, before] of Object.entries(t.before.relationships)) {
          const after = t.after.relationships[resellerId];
          expectThat(after !== undefined, () => `relationship with ${resellerId} disappeared`);
          const established = eventsFor(t, 'RelationshipEstablished', resellerId);
          if (before.status === 'ended') {
            expectSame(eventsFor(t, 'RelationshipUpdated', resellerId), []);
            if (established.length === 0) {
              // `active -> ended` is terminal for that relationship instance: nothing touches it...
              expectSame(after, before);
            } else {
              // ...only a NEW approval establishes a NEW instance (decideApprove only builds on an
              // *active* relationship): a fresh `since`, only what that request asked, no `endedAt`,
              // nothing carried over from the ended one.
              expectSame(t.step.kind, 'approve');
              const request = t.before.requests[(t.step as Extract<Step, { kind: 'approve' }>).command.requestId];
              expectMatch(after, { status: 'active', since: t.now.toISOString(), services: request.services, endedAt: undefined });
            }
          } else {
            // An active relationship is never established again, only updated.
            expectSame(established, []);
          }
          // Delegated admin: none / revoked / expired never becomes active without a new grant, and
          // active privileges only move their expiry by a grant or an extension.
          const was = before.delegatedAdmin;
          const is = after.delegatedAdmin;
          const granted = eventsFor(t, 'DelegatedAdminGranted', resellerId).length > 0;
          const extended = eventsFor(t, 'DelegatedAdminExtended', resellerId).length > 0;
          if (was.status !== 'active' && is.status === 'active') expectThat(granted, () => `${resellerId}: privileges ${was.status} -> active without DelegatedAdminGranted`);
          if (was.status === 'active' && is.status === 'active' && is.expiresAt !== was.expiresAt) {
            expectThat(granted || extended, () => `${resellerId}: privileges' expiry moved without a grant or an extension`);
          }
        }
      }
    });
  });

  it('2. no subscription, term or Partner of Record changes except by subscription events', () => {
    forAllHistories(({ trace }) => {
      for (const t of trace) {
        expectSame(t.emitted.filter((m) => SUBSCRIPTION_TYPES.includes(m.type)), []);
        if (t.step.kind !== 'subscription') {
          expectSame(t.after.subscriptions, t.before.subscriptions);
          continue;
        }
        // A subscription event changes its own subscription only, and only in the way its type says.
        const m = t.step.message;
        const id = (m.data as { subscriptionId: string }).subscriptionId;
        const { [id]: changed, ...others } = t.after.subscriptions;
        const { [id]: previous, ...othersBefore } = t.before.subscriptions;
        expectSame(others, othersBefore);
        if (m.type === 'SubscriptionCancelled') expectSame(changed, previous && { ...previous, status: 'cancelled' });
        if (m.type === 'PartnerOfRecordChanged') expectSame(changed, previous && { ...previous, partnerOfRecordId: m.data.partnerOfRecordId });
        if (m.type === 'SubscriptionCreated') expectSame(changed, { ...m.data, status: 'active' });
      }
    });
  });

  it("3. one reseller's steps never change another reseller's relationship (nor its requests)", () => {
    forAllHistories(({ trace }) => {
      for (const t of trace) {
        if (!actorOf(t.step)) continue; // reference data and time are nobody's step
        // The reseller the command names, or the reseller of the request it names (none: unknown request).
        const reseller = resellerOfStep(t);
        const ids = new Set([...Object.keys(t.before.relationships), ...Object.keys(t.after.relationships)]);
        for (const other of ids) {
          if (other !== reseller) expectSame(t.after.relationships[other], t.before.relationships[other]);
        }
        const requestIds = new Set([...Object.keys(t.before.requests), ...Object.keys(t.after.requests)]);
        for (const id of requestIds) {
          const resellerOfRequest = (t.before.requests[id] ?? t.after.requests[id]).resellerId;
          if (resellerOfRequest !== reseller) expectSame(t.after.requests[id], t.before.requests[id]);
        }
        // And every event it emitted is about that reseller only.
        for (const m of t.emitted) {
          const named = (m.data as { resellerId?: string }).resellerId;
          if (named !== undefined) expectSame(named, reseller);
        }
      }
    });
  });

  describe('4. the fold is idempotent and order-tolerant where the design needs it', () => {
    const empty = () => emptyCustomerState(CUSTOMER);

    it('4a. folding the full event list twice equals folding it once', () => {
      forAllHistories(({ events, final }) => {
        const once = foldCustomer(empty(), events);
        expectSame(once, final);
        expectSame(foldCustomer(once, events), once);
      });
    });

    it('4b. a replay from an earlier offset after a crash (the overlap folded twice) changes nothing (§6, §7)', () => {
      fc.assert(
        fc.property(historyArb(), fc.nat(), fc.nat(), (steps, a, b) => {
          const { events, final } = runHistory(steps);
          const durable = a % (events.length + 1); // folded and saved before the crash
          const resumeAt = b % (durable + 1); // the committed offset the consumer resumes from
          expectSame(foldCustomer(foldCustomer(empty(), events.slice(0, durable)), events.slice(resumeAt)), final);
        }),
        params,
      );
    });

    it('4c. request events and relationship events read as two streams, interleaved in any order, give the same requests and relationships', () => {
      fc.assert(
        fc.property(historyArb(), fc.array(fc.nat({ max: 2 }), { maxLength: 300 }), (steps, picks) => {
          const { events, final } = runHistory(steps);
          const replayed = foldCustomer(empty(), interleave(events, picks));
          expectSame(requestStatuses(replayed), requestStatuses(final));
          expectSame(replayed.relationships, final.relationships);
          expectSame(replayed.subscriptions, final.subscriptions);
          expectSame(replayed.profile, final.profile);
          // Every other field of a request too; only the order of history steps with the SAME
          // time may differ (see the note in the report: a stable sort on `at` keeps arrival order).
          expectSame(historyAsSet(replayed.requests), historyAsSet(final.requests));
        }),
        params,
      );
    });
  });

  it('5. every emitted event passes its contract rules (validateData)', () => {
    forAllHistories(({ trace }) => {
      for (const t of trace) {
        for (const m of t.emitted) {
          const result = validateData(m.type, m.data);
          if (!result.ok) throw new Error(`${m.type} fails its contract: ${JSON.stringify(result.errors)} in ${JSON.stringify(m.data)}`);
        }
      }
    });
  });

  it('5b. (sanity of the model) every generated command and reference message is well-formed', () => {
    const commandType = { request: 'RequestRelationship', cancel: 'CancelRequest', approve: 'ApproveRequest', decline: 'DeclineRequest', end: 'EndRelationship', revoke: 'RevokeDelegatedAdmin' } as const;
    fc.assert(
      fc.property(historyArb(), (steps) => {
        for (const step of steps) {
          if (step.kind === 'advance') continue;
          const [type, data] = 'command' in step ? [commandType[step.kind], step.command] : [step.message.type, step.message.data];
          const result = validateData(type, data);
          if (!result.ok) throw new Error(`${type} is malformed: ${JSON.stringify(result.errors)}`);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('6. every event carries its actor, its reason and the resulting state (DESIGN §5)', () => {
    forAllHistories(({ trace }) => {
      for (const t of trace) checkEventsAreComplete(t);
    });
  });

  it('7. (extra) at most one reseller holds active delegated admin privileges per service (ONE_ADMIN_PER_SERVICE)', () => {
    forAllHistories(({ trace }) => {
      for (const t of trace) {
        const holders = new Map<string, string>();
        for (const r of Object.values(t.after.relationships)) {
          if (r.status !== 'active' || r.delegatedAdmin.status !== 'active') continue;
          for (const service of r.delegatedAdmin.services) {
            expectSame(holders.get(service) ?? r.resellerId, r.resellerId);
            holders.set(service, r.resellerId);
          }
        }
      }
    });
  });

  // DESIGN §5: "privileges that include the GlobalAdministrator role cannot auto-extend", however
  // the roles came together: fast-check once found an active GlobalAdministrator grant merged with a
  // later auto-extending ask into {roles: [GlobalAdministrator, ...], autoExtend: true}.
  it('8. privileges that include GlobalAdministrator never auto-extend', () => forAllHistories(globalAdministratorNeverAutoExtends));

  it('(coverage) the generated histories reach the states the properties are about', () => {
    // Guards against vacuous properties: a fixed sample must hit every interesting outcome.
    const seen = new Set<string>();
    for (const steps of fc.sample(historyArb(), { numRuns: 300, seed: 20260110 })) {
      for (const t of runHistory(steps).trace) {
        for (const m of t.emitted) seen.add(m.type === 'RequestRejected' || m.type === 'ConsentRejected' ? m.data.reason : m.type);
        for (const [resellerId, before] of Object.entries(t.before.relationships)) {
          const after = t.after.relationships[resellerId];
          if (before.status === 'ended' && after.status === 'active') seen.add('re-established after an end');
          if ((before.delegatedAdmin.status === 'revoked' || before.delegatedAdmin.status === 'expired') && after.delegatedAdmin.status === 'active') {
            seen.add('privileges granted again after revocation or expiry');
          }
        }
      }
    }
    const wanted = [
      // Every lifecycle event; rejections are counted by their reasons below.
      ...LifecycleEventTypes.filter((type) => type !== 'RequestRejected'),
      'DUPLICATE_PENDING',
      'NOTHING_NEW',
      'AUTO_EXTEND_NOT_ALLOWED',
      'REGION_MISMATCH',
      'PROVIDER_NOT_LINKED',
      'NOT_AN_INDIRECT_RESELLER',
      'RESELLER_UNKNOWN',
      'NOT_CUSTOMER_ADMIN',
      'REQUEST_NOT_PENDING',
      'SERVICE_ADMIN_TAKEN',
      'HAS_ACTIVE_SUBSCRIPTIONS',
      'INDIRECT_RESELLER_CANNOT_END',
      'NO_ACTIVE_PRIVILEGES',
      're-established after an end',
      'privileges granted again after revocation or expiry',
    ];
    expect(wanted.filter((w) => !seen.has(w))).toEqual([]);
  });
});

/** Property 6 on one step: each event is complete, consistent with the command, and with the folded state. */
function checkEventsAreComplete(t: Trace): void {
  const at = t.now.toISOString();
  const actor = actorOf(t.step);
  const { step } = t;
  const approvedRequest = step.kind === 'approve' ? t.before.requests[step.command.requestId] : undefined;

  for (const m of t.emitted) {
    expectSame((m.data as { customerId?: string }).customerId, CUSTOMER);
    switch (m.type) {
      case 'RequestRejected':
      case 'ConsentRejected':
        // A rejection: machine-readable reason, a human sentence, and who was refused.
        expectThat(REJECTION_REASONS.includes(m.data.reason), () => `unknown reason ${m.data.reason}`);
        expectThat(/\S/.test(m.data.message), () => `${m.type} ${m.data.reason} without a message`);
        expectSame(m.data.actor, actor);
        if (m.data.reason === 'SERVICE_ADMIN_TAKEN') expectThat(!!m.data.holderResellerId, () => 'SERVICE_ADMIN_TAKEN without holderResellerId');
        break;
      case 'RelationshipRequested': {
        expectSame(step.kind, 'request');
        const command = (step as Extract<Step, { kind: 'request' }>).command;
        expectMatch(m.data, { requestedBy: command.requestedBy, status: 'pending', requestedAt: at, services: command.services, delegatedAdmin: command.delegatedAdmin });
        expectSame(m.data.expiresAt, addDays(t.now, defaultRequestPolicy.requestTtlDays).toISOString());
        expectSame(m.data.channel, m.data.indirectProviderId ? 'indirect' : 'direct');
        break;
      }
      case 'RequestCancelled':
        expectMatch(m.data, { cancelledBy: actor, status: 'cancelled', cancelledAt: at });
        break;
      case 'RequestExpired': {
        const request = t.before.requests[m.data.requestId];
        expectMatch(m.data, { status: 'expired', expiredAt: request.expiresAt, resellerId: request.resellerId });
        expectThat(Date.parse(m.data.expiredAt) <= t.now.getTime(), () => 'expired before its time');
        break;
      }
      case 'RequestDeclined':
        expectMatch(m.data, { declinedBy: actor, status: 'declined', declinedAt: at, reason: (step as Extract<Step, { kind: 'decline' }>).command.reason });
        break;
      case 'RelationshipEstablished':
      case 'RelationshipUpdated': {
        expectThat(approvedRequest !== undefined, () => `${m.type} outside an approval`);
        const { relationship } = m.data;
        expectMatch(m.data, { approvedBy: actor, requestId: approvedRequest!.requestId, resellerId: approvedRequest!.resellerId });
        expectMatch(relationship, { customerId: CUSTOMER, resellerId: m.data.resellerId, status: 'active', endedAt: undefined });
        expectThat(covers(relationship.services, approvedRequest!.services), () => 'the snapshot misses services approved');
        const previous = t.before.relationships[m.data.resellerId];
        if (m.type === 'RelationshipEstablished') {
          expectSame(relationship.since, at);
        } else {
          expectSame(previous?.status, 'active');
          expectSame(relationship.since, previous.since);
          expectSame([...m.data.addedServices].sort(), relationship.services.filter((s) => !previous.services.includes(s)).sort());
        }
        break;
      }
      case 'RelationshipEnded': {
        expectSame(m.data.endedBy, (step as Extract<Step, { kind: 'end' }>).command.endedBy);
        const previous = t.before.relationships[m.data.resellerId];
        expectSame(m.data.relationship, {
          ...previous,
          status: 'ended',
          endedAt: at,
          delegatedAdmin: previous.delegatedAdmin.status === 'active' ? { ...previous.delegatedAdmin, status: 'revoked' } : previous.delegatedAdmin,
        });
        break;
      }
      case 'DelegatedAdminGranted': {
        const ask = approvedRequest!.delegatedAdmin!;
        expectSame(m.data.grantedBy, actor);
        // A new grant never shortens privileges still active: they run until the later end.
        const held = t.before.relationships[m.data.resellerId];
        const asked = addDays(t.now, ask.durationDays).toISOString();
        const still = held?.status === 'active' && held.delegatedAdmin.status === 'active' ? held.delegatedAdmin.expiresAt : undefined;
        expectMatch(m.data.delegatedAdmin, { status: 'active', grantedAt: at, expiresAt: still && still > asked ? still : asked });
        expectThat(covers(m.data.delegatedAdmin.roles, ask.roles), () => 'granted privileges miss roles asked');
        expectThat(covers(m.data.delegatedAdmin.services, approvedRequest!.services), () => 'granted privileges miss services asked');
        // The relationship event of the same approval carries the same privileges.
        const relationshipEvent = t.emitted.find((e) => e.type === 'RelationshipEstablished' || e.type === 'RelationshipUpdated');
        expectSame((relationshipEvent?.data as { relationship: { delegatedAdmin: unknown } }).relationship.delegatedAdmin, m.data.delegatedAdmin);
        break;
      }
      case 'DelegatedAdminRevoked': {
        const previous = t.before.relationships[m.data.resellerId].delegatedAdmin;
        expectSame(previous.status, 'active');
        expectSame(m.data.delegatedAdmin, { ...previous, status: 'revoked' });
        if (step.kind === 'end') expectMatch(m.data, { revokedBy: step.command.endedBy, reason: 'relationship-ended' });
        else expectMatch(m.data, { revokedBy: { party: 'customer', userId: actor!.userId }, reason: 'revoked-by-customer' });
        break;
      }
      case 'DelegatedAdminExtended': {
        const previous = t.before.relationships[m.data.resellerId].delegatedAdmin;
        expectSame(m.data.previousExpiresAt, previous.expiresAt);
        expectSame(m.data.delegatedAdmin, { ...previous, expiresAt: addDays(new Date(previous.expiresAt!), AUTO_EXTEND_DAYS).toISOString() });
        break;
      }
      case 'DelegatedAdminExpired': {
        const previous = t.before.relationships[m.data.resellerId].delegatedAdmin;
        expectMatch(m.data, { expiredAt: previous.expiresAt, delegatedAdmin: { ...previous, status: 'expired' } });
        break;
      }
      default:
        throw new Error(`unexpected event ${m.type} from a decider`);
    }
  }

  // The resulting state: what the last event about a request / relationship / privileges says is
  // exactly what the state holds after the step, so no consumer has to call back.
  const lastOf = <T>(pick: (m: Outgoing) => [string, T] | undefined) => {
    const result = new Map<string, T>();
    for (const m of t.emitted) {
      const picked = pick(m);
      if (picked) result.set(picked[0], picked[1]);
    }
    return result;
  };
  const requestStatus = lastOf((m) => {
    switch (m.type) {
      case 'RelationshipRequested':
      case 'RequestCancelled':
      case 'RequestExpired':
      case 'RequestDeclined':
        return [m.data.requestId, m.data.status];
      case 'RelationshipEstablished':
      case 'RelationshipUpdated':
        return [m.data.requestId, 'approved'];
      case 'RequestRejected':
        // REQUEST_ID_TAKEN speaks of a request that is another reseller's: it leaves that one as it is.
        return m.data.command === 'RequestRelationship' && m.data.reason !== 'REQUEST_ID_TAKEN' ? [m.data.requestId, 'rejected'] : undefined;
      default:
        return undefined;
    }
  });
  const relationships = lastOf((m) =>
    m.type === 'RelationshipEstablished' || m.type === 'RelationshipUpdated' || m.type === 'RelationshipEnded' ? [m.data.resellerId, m.data.relationship] : undefined,
  );
  const privileges = lastOf((m) =>
    m.type === 'DelegatedAdminGranted' || m.type === 'DelegatedAdminRevoked' || m.type === 'DelegatedAdminExtended' || m.type === 'DelegatedAdminExpired'
      ? [m.data.resellerId, m.data.delegatedAdmin]
      : undefined,
  );
  for (const [requestId, status] of requestStatus) expectSame(t.after.requests[requestId].status, status);
  for (const [resellerId, relationship] of relationships) expectSame(t.after.relationships[resellerId], relationship);
  for (const [resellerId, delegatedAdmin] of privileges) expectSame(t.after.relationships[resellerId].delegatedAdmin, delegatedAdmin);
}
