import { addDays } from '../clock';
import { decideApprove, decideDecline, decideEnd, decidePrivilegeExpiry, decideRevoke } from '../consent/decide-consent';
import { ConsentPolicy, defaultConsentPolicy } from '../consent/consent-policy';
import { CustomerEvent, isCustomerEventType } from '../customer-events';
import { CustomerState, emptyCustomerState } from '../customer-state';
import { evolve } from '../evolve';
import { Outgoing } from '../outgoing';
import { emptyPartnerState, evolvePartner, partnerIdOf, PartnerState } from '../partner-state';
import { decideCancelRequest, decideRequestExpiry, decideRequestRelationship } from '../request/decide-request';
import { defaultRequestPolicy, RequestPolicy } from '../request/request-policy';
import { Step } from './arbitraries';
import { CUSTOMER, NOW } from './fixtures';

/**
 * A small model of the running system for property-based tests: each step is decided on the
 * current state (partners folded with `evolvePartner`), and what it emits is folded with `evolve`
 * with an id and a time, as the services' command runner does. One shared copy of the customer's
 * state stands for the request- and consent-service's copies.
 */

/** What one step did: the state before and after, what the deciders emitted, and the folded events. */
export interface Trace {
  index: number;
  /** The step as run (an aimed command pointed at its target). */
  step: Step;
  /** The clock when the step was decided (after moving, for `advance`). */
  now: Date;
  before: CustomerState;
  after: CustomerState;
  partners: ReadonlyMap<string, PartnerState>;
  /** Every message the deciders emitted, ConsentRejected included. */
  emitted: Outgoing[];
  /** The customer events folded in this step (reference data or emitted), in order. */
  events: CustomerEvent[];
}

export interface Run {
  trace: Trace[];
  /** Every customer event in the order it was folded: the history a replay reads. */
  events: CustomerEvent[];
  final: CustomerState;
}

export interface ModelPolicies {
  request: RequestPolicy;
  consent: ConsentPolicy;
}

export const defaultPolicies: ModelPolicies = { request: defaultRequestPolicy, consent: defaultConsentPolicy };

/**
 * Runs a history from an empty state at NOW. Deterministic: event ids are `e1`, `e2`... per run.
 * `kept`: what the deciding services keep of the state after each fold (`keptForDecisions`), as
 * they decide on it; the whole state by default.
 */
export function runHistory(steps: readonly Step[], policies: ModelPolicies = defaultPolicies, kept: (state: CustomerState) => CustomerState = (state) => state): Run {
  let state = emptyCustomerState(CUSTOMER);
  let partners = new Map<string, PartnerState>();
  let now = NOW;
  let sequence = 0;
  const all: CustomerEvent[] = [];
  const trace: Trace[] = [];

  const toEvent = (m: Outgoing, at: Date): CustomerEvent | undefined =>
    isCustomerEventType(m.type) ? ({ id: `e${++sequence}`, time: at.toISOString(), type: m.type, data: m.data } as CustomerEvent) : undefined;

  steps.forEach((planned, index) => {
    const step = aimAt(planned, state);
    const before = state;
    const partnersBefore = partners;
    let emitted: Outgoing[] = [];
    const events: CustomerEvent[] = [];
    const fold = (messages: Outgoing[]) => {
      for (const m of messages) {
        const event = toEvent(m, now);
        if (!event) continue;
        events.push(event);
        state = kept(evolve(state, event));
      }
    };
    const consent = () => ({ customer: state, now, policy: policies.consent });

    switch (step.kind) {
      case 'customer':
      case 'subscription':
        fold([step.message]);
        break;
      case 'partner': {
        const id = partnerIdOf(step.message);
        partners = new Map(partners).set(id, evolvePartner(partners.get(id) ?? emptyPartnerState(id), step.message));
        break;
      }
      case 'request': {
        const { resellerId, indirectProviderId } = step.command;
        emitted = decideRequestRelationship(step.command, {
          customer: state,
          reseller: partners.get(resellerId),
          provider: indirectProviderId ? partners.get(indirectProviderId) : undefined,
          now,
          policy: policies.request,
        });
        fold(emitted);
        break;
      }
      case 'cancel':
        emitted = decideCancelRequest(step.command, { customer: state, now });
        fold(emitted);
        break;
      case 'approve':
        emitted = decideApprove(step.command, consent());
        fold(emitted);
        break;
      case 'decline':
        emitted = decideDecline(step.command, consent());
        fold(emitted);
        break;
      case 'end':
        emitted = decideEnd(step.command, consent());
        fold(emitted);
        break;
      case 'revoke':
        emitted = decideRevoke(step.command, consent());
        fold(emitted);
        break;
      case 'advance': {
        now = addDays(now, step.days);
        // The request-service's timer, then the consent-service's, each on the state it has folded.
        const expired = decideRequestExpiry(state, now);
        fold(expired);
        const privileges = decidePrivilegeExpiry(state, now);
        fold(privileges);
        emitted = [...expired, ...privileges];
        break;
      }
    }
    all.push(...events);
    trace.push({ index, step, now, before, after: state, partners: partnersBefore, emitted, events });
  });

  return { trace, events: all, final: state };
}

/** Points an aimed command at the aim-th pending request / active relationship, when there is one. */
export function aimAt(step: Step, state: CustomerState): Step {
  if (!('aim' in step) || step.aim === undefined) return step;
  const pick = <T>(items: T[]) => (items.length ? items[step.aim! % items.length] : undefined);
  const pending = pick(Object.values(state.requests).filter((r) => r.status === 'pending').sort((a, b) => a.requestId.localeCompare(b.requestId)));
  const active = pick(Object.values(state.relationships).filter((r) => r.status === 'active').sort((a, b) => a.resellerId.localeCompare(b.resellerId)));
  switch (step.kind) {
    case 'cancel':
      return pending ? { ...step, command: { ...step.command, requestId: pending.requestId, resellerId: pending.resellerId } } : step;
    case 'approve':
      return pending ? { ...step, command: { ...step.command, requestId: pending.requestId } } : step;
    case 'decline':
      return pending ? { ...step, command: { ...step.command, requestId: pending.requestId } } : step;
    case 'end':
      return active ? { ...step, command: { ...step.command, resellerId: active.resellerId } } : step;
    case 'revoke':
      return active ? { ...step, command: { ...step.command, resellerId: active.resellerId } } : step;
  }
}

/** The reseller a command step is about: named by the command, or the reseller of the request it names. */
export function resellerOfStep(t: Trace): string | undefined {
  switch (t.step.kind) {
    case 'request':
    case 'cancel':
    case 'end':
    case 'revoke':
      return t.step.command.resellerId;
    case 'approve':
    case 'decline':
      return t.before.requests[t.step.command.requestId]?.resellerId;
    default:
      return undefined;
  }
}

/** The topic a customer event is read from, for replays that read several topics with no order between them. */
export type EventStream = 'reference' | 'request' | 'relationship';

export const RequestStreamTypes = ['RelationshipRequested', 'RequestRejected', 'RequestCancelled', 'RequestExpired'];

export function streamOf(event: CustomerEvent): EventStream {
  if (RequestStreamTypes.includes(event.type)) return 'request';
  switch (event.type) {
    case 'CustomerRegistered':
    case 'CustomerAdminAdded':
    case 'CustomerAdminRemoved':
    case 'SubscriptionCreated':
    case 'SubscriptionCancelled':
    case 'PartnerOfRecordChanged':
      return 'reference';
    default:
      return 'relationship';
  }
}

/**
 * Interleaves the streams of `events` (each keeps its own order) as `picks` says: pick i takes the
 * next event of stream `picks[i] % 3` (or the next non-empty one); when picks run out, streams are
 * drained in turn.
 */
export function interleave(events: readonly CustomerEvent[], picks: readonly number[]): CustomerEvent[] {
  const order: EventStream[] = ['reference', 'request', 'relationship'];
  const queues = order.map((s) => events.filter((e) => streamOf(e) === s));
  const out: CustomerEvent[] = [];
  let p = 0;
  while (queues.some((q) => q.length)) {
    let i = p < picks.length ? picks[p++] % queues.length : 0;
    while (!queues[i].length) i = (i + 1) % queues.length;
    out.push(queues[i].shift()!);
  }
  return out;
}
