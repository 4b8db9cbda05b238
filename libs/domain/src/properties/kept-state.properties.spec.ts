import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { CustomerEvent } from '../customer-events';
import { CustomerState, emptyCustomerState } from '../customer-state';
import { evolve } from '../evolve';
import { keptByDeciders } from '../kept-state';
import { historyArb, Step } from '../testing/arbitraries';
import { CUSTOMER } from '../testing/fixtures';
import { interleave, runHistory } from '../testing/model';

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

/**
 * What the request-, consent- and notification-service keep (`keptByDeciders`) is a view of the
 * whole state that the fold keeps: folding every event on the kept copy gives the kept copy of the
 * whole fold, in any order the two streams are read in and with events read again. So a service
 * that stores only the kept copy decides on exactly what it would have decided on with the whole.
 */
describe('the state the deciding services keep', () => {
  it('folds to the kept copy of the whole fold, whatever the interleaving and the redeliveries', () => {
    fc.assert(
      fc.property(readingArb, (reading) => {
        const events = readOf(reading);
        const empty = emptyCustomerState(CUSTOMER);
        const onKept = events.reduce((state: CustomerState, event) => keptByDeciders(evolve(state, event)), empty);
        const whole = events.reduce(evolve, empty);
        if (!isDeepStrictEqual(onKept, keptByDeciders(whole))) expect(onKept).toEqual(keptByDeciders(whole));
      }),
      params,
    );
  });

  it('keeps everything but the requests’ history and message, and is the same when applied again', () => {
    fc.assert(
      fc.property(readingArb, (reading) => {
        const whole = readOf(reading).reduce(evolve, emptyCustomerState(CUSTOMER));
        const kept = keptByDeciders(whole);
        expect(keptByDeciders(kept)).toBe(kept);
        expect(Object.keys(kept.requests)).toEqual(Object.keys(whole.requests));
        for (const [id, request] of Object.entries(whole.requests)) {
          const { message: _message, history: _history, ...rest } = request;
          expect(kept.requests[id]).toEqual({ ...rest, history: [] });
        }
        expect({ ...kept, requests: {} }).toEqual({ ...whole, requests: {} });
      }),
      params,
    );
  });
});
