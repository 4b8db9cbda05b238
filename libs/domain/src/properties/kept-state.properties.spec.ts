import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { CustomerEvent } from '../customer-events';
import { CustomerState, emptyCustomerState } from '../customer-state';
import { evolve } from '../evolve';
import { keptForDecisions, withoutRequestHistory } from '../kept-state';
import { historyArb, Step } from '../testing/arbitraries';
import { CUSTOMER } from '../testing/fixtures';
import { defaultPolicies, interleave, runHistory } from '../testing/model';

const params = { numRuns: Number(process.env.FC_NUM_RUNS ?? 200) };

/** The events of a history as a service may read them: two streams interleaved, some read twice (a redelivery). */
const readingArb = fc.record({
  steps: historyArb(),
  picks: fc.array(fc.nat({ max: 2 }), { maxLength: 300 }),
  again: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 8 }),
});

function readOf({ steps, picks, again }: { steps: Step[]; picks: number[]; again: Array<[number, number]> }): CustomerEvent[] {
  const order = interleave(runHistory(steps).events, picks);
  const read = [...order];
  // Each `again`: an event read once more, somewhere after its first reading.
  for (const [which, where] of again) {
    if (read.length === 0) break;
    const i = which % read.length;
    read.splice(i + 1 + (where % (read.length - i)), 0, read[i]);
  }
  return read;
}

function expectSame(actual: unknown, expected: unknown): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual).toEqual(expected);
}

/**
 * What a service keeps of a customer's state (`kept-state.ts`) is a view of the whole state that the
 * fold keeps: folding every event on the kept copy gives the kept copy of the whole fold, in any order
 * the streams are read in and with events read again. And the deciders decide on the kept copy
 * exactly as on the whole state. So a service that stores only its copy acts as it would with all.
 */
describe.each([
  ['the notification-service (withoutRequestHistory)', withoutRequestHistory],
  ['the request- and consent-service (keptForDecisions)', keptForDecisions],
])('the state kept by %s', (_who, kept) => {
  it('folds to the kept copy of the whole fold, whatever the interleaving and the redeliveries', () => {
    fc.assert(
      fc.property(readingArb, (reading) => {
        const events = readOf(reading);
        const empty = emptyCustomerState(CUSTOMER);
        const onKept = events.reduce((state: CustomerState, event) => kept(evolve(state, event)), empty);
        expectSame(onKept, kept(events.reduce(evolve, empty)));
      }),
      params,
    );
  });

  it('is the same when applied again, and keeps profile, relationships, subscriptions and pending requests as they are', () => {
    fc.assert(
      fc.property(readingArb, (reading) => {
        const whole = readOf(reading).reduce(evolve, emptyCustomerState(CUSTOMER));
        const copy = kept(whole);
        expect(kept(copy)).toBe(copy);
        expectSame([copy.profile, copy.relationships, copy.subscriptions], [whole.profile, whole.relationships, whole.subscriptions]);
        for (const [id, request] of Object.entries(whole.requests)) {
          const { message: _message, history: _history, ...rest } = request;
          // Every request is there: whole but for its history and message, or closed with its reseller and end.
          const closed = copy.closed?.[id];
          if (closed) expectSame(closed, { resellerId: request.resellerId, status: request.status });
          else expectSame(copy.requests[id], { ...rest, history: [] });
          if (request.status === 'pending') expect(closed).toBeUndefined();
        }
      }),
      params,
    );
  });
});

describe('the request- and consent-service deciding on their kept copy', () => {
  it('decide every command and timer as they would on the whole state', () => {
    fc.assert(
      fc.property(historyArb(), (steps) => {
        const whole = runHistory(steps);
        const onKept = runHistory(steps, defaultPolicies, keptForDecisions);
        expectSame(
          onKept.trace.map((t) => t.emitted),
          whole.trace.map((t) => t.emitted),
        );
        expectSame(onKept.final, keptForDecisions(whole.final));
      }),
      params,
    );
  });
});
