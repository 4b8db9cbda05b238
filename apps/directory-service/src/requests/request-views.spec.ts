import { CustomerEvent, CustomerState, emptyCustomerState, foldCustomer } from '@mp/domain';
import { toCustomerRequests, toRequestDetail, toRequestSummary } from './request-views';

const requested = (requestId: string, requestedAt: string, extra: object = {}): CustomerEvent =>
  ({
    id: `evt-${requestId}-requested`,
    time: requestedAt,
    type: 'RelationshipRequested',
    data: {
      requestId,
      customerId: 'cust-1',
      resellerId: 'res-a',
      services: ['Azure'],
      channel: 'direct',
      requestedBy: { userId: 'seller-1' },
      status: 'pending',
      requestedAt,
      expiresAt: '2025-12-31T00:00:00.000Z',
      ...extra,
    },
  }) as CustomerEvent;

const declined = (requestId: string, at: string): CustomerEvent =>
  ({
    id: `evt-${requestId}-declined`,
    time: at,
    type: 'RequestDeclined',
    data: { requestId, customerId: 'cust-1', resellerId: 'res-a', declinedBy: { userId: 'admin-1' }, reason: 'not now', status: 'declined', declinedAt: at },
  }) as CustomerEvent;

const rejected = (requestId: string, at: string): CustomerEvent =>
  ({
    id: `evt-${requestId}-rejected`,
    time: at,
    type: 'RequestRejected',
    data: { requestId, customerId: 'cust-1', resellerId: 'res-x', reason: 'REGION_MISMATCH', message: 'no', command: 'RequestRelationship', actor: { userId: 'seller-9' } },
  }) as CustomerEvent;

function state(): CustomerState {
  return foldCustomer(emptyCustomerState('cust-1'), [
    requested('req-old', '2025-01-01T00:00:00.000Z', { delegatedAdmin: { roles: ['HelpdeskAdministrator'], durationDays: 90, autoExtend: false }, message: 'hello' }),
    requested('req-new', '2025-03-01T00:00:00.000Z'),
    declined('req-old', '2025-01-05T00:00:00.000Z'),
    rejected('req-mid', '2025-02-01T00:00:00.000Z'),
  ]);
}

describe('request views', () => {
  it('lists requests newest first', () => {
    expect(toCustomerRequests(state()).requests.map((r) => [r.requestId, r.status])).toEqual([
      ['req-new', 'pending'],
      ['req-mid', 'rejected'],
      ['req-old', 'declined'],
    ]);
  });

  it('filters by status', () => {
    expect(toCustomerRequests(state(), 'declined').requests.map((r) => r.requestId)).toEqual(['req-old']);
    expect(toCustomerRequests(state(), 'rejected').requests.map((r) => r.rejection)).toEqual(['REGION_MISMATCH']);
    expect(toCustomerRequests(state(), 'expired').requests).toEqual([]);
  });

  it('breaks ties on requestedAt by request id, so the order is stable', () => {
    const s = foldCustomer(emptyCustomerState('cust-1'), [requested('req-b', '2025-01-01T00:00:00.000Z'), requested('req-a', '2025-01-01T00:00:00.000Z')]);
    expect(toCustomerRequests(s).requests.map((r) => r.requestId)).toEqual(['req-a', 'req-b']);
  });

  it('summarises a request without its history', () => {
    const summary = toRequestSummary(state().requests['req-old']);
    expect(summary).toEqual({
      requestId: 'req-old',
      customerId: 'cust-1',
      resellerId: 'res-a',
      services: ['Azure'],
      delegatedAdmin: { roles: ['HelpdeskAdministrator'], durationDays: 90, autoExtend: false },
      channel: 'direct',
      message: 'hello',
      requestedBy: { userId: 'seller-1' },
      status: 'declined',
      requestedAt: '2025-01-01T00:00:00.000Z',
      expiresAt: '2025-12-31T00:00:00.000Z',
      updatedAt: '2025-01-05T00:00:00.000Z',
    });
    expect(summary).not.toHaveProperty('history');
  });

  it('details a request with every step of its history', () => {
    expect(toRequestDetail(state().requests['req-old']).history).toEqual([
      { eventId: 'evt-req-old-requested', type: 'RelationshipRequested', at: '2025-01-01T00:00:00.000Z', status: 'pending', by: 'seller-1' },
      { eventId: 'evt-req-old-declined', type: 'RequestDeclined', at: '2025-01-05T00:00:00.000Z', status: 'declined', by: 'admin-1', reason: 'not now' },
    ]);
    expect(toRequestDetail(state().requests['req-mid'])).toMatchObject({
      status: 'rejected',
      rejection: 'REGION_MISMATCH',
      history: [{ status: 'rejected', by: 'seller-9', reason: 'REGION_MISMATCH' }],
    });
  });
});
