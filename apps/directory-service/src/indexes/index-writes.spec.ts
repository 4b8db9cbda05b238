import type { RelationshipSnapshot } from '@mp/contracts';
import { CustomerEvent, CustomerState, emptyCustomerState, evolve } from '@mp/domain';
import { indexWritesFor } from './index-writes';

const snapshot = (status: 'active' | 'ended'): RelationshipSnapshot => ({
  customerId: 'cust-1',
  resellerId: 'res-a',
  status,
  channel: 'direct',
  services: ['Azure'],
  since: '2025-01-01T00:00:00.000Z',
  ...(status === 'ended' ? { endedAt: '2025-02-01T00:00:00.000Z' } : {}),
  delegatedAdmin: { status: 'none', roles: [], services: [], autoExtend: false },
});

const events = {
  requested: {
    id: 'e1',
    time: '2025-01-01T00:00:00.000Z',
    type: 'RelationshipRequested',
    data: {
      requestId: 'req-1',
      customerId: 'cust-1',
      resellerId: 'res-a',
      services: ['Azure'],
      channel: 'direct',
      requestedBy: { userId: 'u' },
      status: 'pending',
      requestedAt: '2025-01-01T00:00:00.000Z',
      expiresAt: '2025-04-01T00:00:00.000Z',
    },
  },
  rejectedIntake: {
    id: 'e2',
    time: '2025-01-01T00:00:00.000Z',
    type: 'RequestRejected',
    data: { requestId: 'req-2', customerId: 'cust-1', resellerId: 'res-a', reason: 'DUPLICATE_PENDING', message: 'm', command: 'RequestRelationship', actor: { userId: 'u' } },
  },
  rejectedCancel: {
    id: 'e3',
    time: '2025-01-01T00:00:00.000Z',
    type: 'RequestRejected',
    data: { requestId: 'req-3', customerId: 'cust-1', resellerId: 'res-a', reason: 'REQUEST_NOT_FOUND', message: 'm', command: 'CancelRequest', actor: { userId: 'u' } },
  },
  established: {
    id: 'e4',
    time: '2025-01-02T00:00:00.000Z',
    type: 'RelationshipEstablished',
    data: { customerId: 'cust-1', resellerId: 'res-a', requestId: 'req-1', approvedBy: { userId: 'admin' }, relationship: snapshot('active') },
  },
  ended: {
    id: 'e5',
    time: '2025-02-01T00:00:00.000Z',
    type: 'RelationshipEnded',
    data: { customerId: 'cust-1', resellerId: 'res-a', endedBy: { party: 'customer', userId: 'admin' }, relationship: snapshot('ended') },
  },
  revoked: {
    id: 'e6',
    time: '2025-01-03T00:00:00.000Z',
    type: 'DelegatedAdminRevoked',
    data: { customerId: 'cust-1', resellerId: 'res-a', revokedBy: { party: 'customer', userId: 'admin' }, reason: 'revoked-by-customer', delegatedAdmin: { status: 'revoked', roles: [], services: [], autoExtend: false } },
  },
} satisfies Record<string, CustomerEvent>;

/** What the projector does: fold the event (skipped when its id was seen), then derive the writes. */
function project(state: CustomerState, event: CustomerEvent, seen = false) {
  const next = seen ? state : evolve(state, event);
  return { state: next, writes: indexWritesFor(event.type, event.data, next) };
}

describe('index writes', () => {
  const start = emptyCustomerState('cust-1');

  it('indexes a request id under its customer when the request is created or refused at intake', () => {
    expect(project(start, events.requested).writes).toEqual([{ index: 'request-owner', requestId: 'req-1', customerId: 'cust-1' }]);
    expect(project(start, events.rejectedIntake).writes).toEqual([{ index: 'request-owner', requestId: 'req-2', customerId: 'cust-1' }]);
  });

  it('does not index a request id claimed by a refused cancellation', () => {
    expect(project(start, events.rejectedCancel).writes).toEqual([]);
  });

  it('adds the customer to the reseller on establishment and removes it on end', () => {
    const established = project(project(start, events.requested).state, events.established);
    expect(established.writes).toEqual([{ index: 'reseller-customers', op: 'add', resellerId: 'res-a', customerId: 'cust-1' }]);
    expect(project(established.state, events.ended).writes).toEqual([{ index: 'reseller-customers', op: 'remove', resellerId: 'res-a', customerId: 'cust-1' }]);
  });

  it('gives the same writes when an event is applied twice', () => {
    const once = project(start, events.established);
    const twice = project(once.state, events.established, true);
    expect(twice.state).toEqual(once.state);
    expect(twice.writes).toEqual(once.writes);
  });

  it('follows the state, not the event: a replayed establishment after the end keeps the customer out', () => {
    const ended = project(project(start, events.established).state, events.ended).state;
    expect(project(ended, events.established, true).writes).toEqual([{ index: 'reseller-customers', op: 'remove', resellerId: 'res-a', customerId: 'cust-1' }]);
  });

  it('keeps the customer in while privileges change on an active relationship', () => {
    const established = project(start, events.established).state;
    expect(project(established, events.revoked).writes).toEqual([{ index: 'reseller-customers', op: 'add', resellerId: 'res-a', customerId: 'cust-1' }]);
  });

  it('writes nothing for a privilege event on an unknown relationship', () => {
    expect(project(start, events.revoked).writes).toEqual([]);
  });
});
