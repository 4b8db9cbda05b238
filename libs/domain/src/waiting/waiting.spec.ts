import { decideApprove } from '../consent/decide-consent';
import { defaultConsentPolicy } from '../consent/consent-policy';
import { decideRequestRelationship } from '../request/decide-request';
import { defaultRequestPolicy } from '../request/request-policy';
import { ADMIN, CUSTOMER, customerRegistered, customerState, NOW, partnerRegistered, partnerState, requestRelationship } from '../testing/fixtures';
import { arrived, nextWaitingRetry, shouldWait, waitsBehind, withoutWaiting, withWaiting } from './waiting';

const policy = { waitMs: 60_000 };
const later = (ms: number) => new Date(NOW.getTime() + ms);
const approve = { requestId: 'req-1', customerId: CUSTOMER, approvedBy: ADMIN };
const approval = { id: 'cmd-1', type: 'ApproveRequest', source: 'portal', time: NOW.toISOString(), data: approve };

describe('a command naming what is not folded yet', () => {
  it('waits when its request is not known yet, and is refused once its wait is over', () => {
    const decided = decideApprove(approve, { customer: customerState(customerRegistered()), now: NOW, policy: defaultConsentPolicy });
    expect(shouldWait(decided, NOW, NOW, policy)).toBe(true);
    expect(shouldWait(decided, NOW, later(59_999), policy)).toBe(true);
    expect(shouldWait(decided, NOW, later(60_000), policy)).toBe(false);
  });

  it('waits for an unknown customer, reseller or admin, never for a refusal the state can be sure of', () => {
    const reseller = partnerState('res-1', partnerRegistered('res-1'));
    const decide = (customer = customerState(customerRegistered()), known = reseller) =>
      decideRequestRelationship(requestRelationship(), { customer, reseller: known, now: NOW, policy: defaultRequestPolicy });
    expect(shouldWait(decide(customerState()), NOW, NOW, policy)).toBe(true);
    expect(shouldWait(decide(undefined, partnerState('res-1')), NOW, NOW, policy)).toBe(true);
    // An admin added a moment ago comes on the customer-events topic: maybe not folded yet.
    const notAdmin = decideApprove({ ...approve, approvedBy: { userId: 'newcomer' } }, { customer: customerState(customerRegistered()), now: NOW, policy: defaultConsentPolicy });
    expect(shouldWait(notAdmin, NOW, NOW, policy)).toBe(true);
    expect(shouldWait(decide(), NOW, NOW, policy)).toBe(false);
  });

  it('is put aside once, keeps its first time, and is due for a retry until it leaves', () => {
    const waiting = withWaiting(customerState(), approval, NOW);
    expect(withWaiting(waiting, approval, later(5_000))).toBe(waiting);
    expect(waiting.waiting?.['cmd-1']).toEqual({ command: approval, since: NOW.toISOString() });
    expect(nextWaitingRetry(waiting)).toBe(NOW.getTime());
    const done = withoutWaiting(waiting, 'cmd-1');
    expect(done.waiting).toBeUndefined();
    expect(nextWaitingRetry(done)).toBeUndefined();
  });

  it('keeps the order of one customer: a later command queues behind one that waits', () => {
    const first = withWaiting(customerState(), approval, NOW);
    const decline = { ...approval, id: 'cmd-2', type: 'DeclineRequest' };
    expect(waitsBehind(first, 'cmd-1')).toBe(false);
    expect(waitsBehind(first, 'cmd-2')).toBe(true);
    const both = withWaiting(first, decline, later(1_000));
    expect(waitsBehind(both, 'cmd-2')).toBe(true);
    expect(waitsBehind(withoutWaiting(both, 'cmd-1'), 'cmd-2')).toBe(false);
    expect(waitsBehind(customerState(), 'cmd-3')).toBe(false);
  });
});

describe('a command held while the state was lost', () => {
  const decline = { id: 'cmd-0', type: 'DeclineRequest', source: 'portal', time: NOW.toISOString(), data: { requestId: 'req-1', customerId: CUSTOMER, declinedBy: { userId: 'intruder' } } };
  const end = { id: 'cmd-9', type: 'EndRelationship', source: 'portal', time: NOW.toISOString(), data: { customerId: CUSTOMER, resellerId: 'res-1', endedBy: { party: 'customer', userId: ADMIN.userId } } };

  // Seen in a chaos run (seed 1275494935): cmd-9 came after cmd-0 on the topic, was held when Redis
  // was lost, and the rebuild then put cmd-0 back to wait after it: cmd-9 was decided first.
  it('takes its place in the queue where the rebuild consumes it again, not where it was held', () => {
    const held = withWaiting(customerState(), end, NOW, { held: true });
    const replayed = withWaiting(held, decline, later(1_000)); // cmd-0, consumed again by the rebuild, waits
    expect(waitsBehind(replayed, end.id)).toBe(false); // by its earlier `since`, the held entry sorts first
    expect(waitsBehind(arrived(replayed, end.id), end.id)).toBe(true);
    expect(arrived(replayed, end.id).waiting?.[end.id]).toBeUndefined();
  });

  it('leaves a command that waits for what it names where it is', () => {
    const waiting = withWaiting(withWaiting(customerState(), decline, NOW), end, later(1_000));
    expect(arrived(waiting, end.id)).toBe(waiting);
    expect(waitsBehind(arrived(waiting, end.id), end.id)).toBe(true);
  });
});
