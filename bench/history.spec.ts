import { CustomerEvent, CustomerState, emptyCustomerState, evolve } from '@mp/domain';
import { decode } from '@mp/messaging';
import { BENCH_SHAPE, CustomerHistory, partnerRegistration, resellersOf } from './history';

describe('bench histories', () => {
  const history = new CustomerHistory(BENCH_SHAPE, new Date('2026-06-01T10:00:00.000Z'));
  const pool = ['res-a', 'res-b', 'res-c', 'res-d', 'res-e'];
  const resellers = resellersOf(3, pool, history.resellers);
  const messages = history.messages('cust-42', resellers);

  it('gives each customer four resellers of the pool, all different', () => {
    expect(resellers).toEqual(['res-d', 'res-e', 'res-a', 'res-b']);
  });

  it('fills every message with envelopes the contracts accept, on the topic and key of their type', () => {
    expect(messages).toHaveLength(history.events);
    for (const message of messages) {
      const decoded = decode(Buffer.from(message.value));
      if (!decoded.ok) throw new Error(`${message.value}: ${decoded.message}`);
      expect(decoded.envelope.data).toMatchObject({ customerId: 'cust-42' });
      expect(message.key).toBe('cust-42');
      expect(message.value).not.toContain('%%');
    }
    expect(new Set(messages.map((m) => JSON.parse(m.value).id)).size).toBe(messages.length);
    expect(messages.map((m) => JSON.parse(m.value).id)).toEqual(history.eventIds('cust-42'));
    expect(decode(Buffer.from(partnerRegistration('res-a', 0, new Date()).value)).ok).toBe(true);
  });

  it('folds into 3 active relationships with delegated admin and 4 requests, the state it says', () => {
    const folded = messages
      .map((m) => JSON.parse(m.value) as CustomerEvent)
      .reduce((state: CustomerState, e) => evolve(state, { id: e.id, time: e.time, type: e.type, data: e.data } as CustomerEvent), emptyCustomerState('cust-42'));
    const relationships = Object.values(folded.relationships);
    expect(relationships.map((r) => [r.resellerId, r.status, r.delegatedAdmin.status])).toEqual([
      ['res-d', 'active', 'active'],
      ['res-e', 'active', 'active'],
      ['res-a', 'active', 'active'],
    ]);
    expect(Object.values(folded.requests).map((r) => r.status)).toEqual(['approved', 'approved', 'approved', 'pending']);
    expect(JSON.parse(history.stateJson('cust-42', resellers))).toEqual(folded);
  });

  it('gives other customers the same history under their own ids', () => {
    const other = history.messages('cust-43', resellersOf(4, pool, history.resellers));
    expect(other.map((m) => m.topic)).toEqual(messages.map((m) => m.topic));
    expect(other.map((m) => JSON.parse(m.value).type)).toEqual(messages.map((m) => JSON.parse(m.value).type));
    expect(other.some((m) => m.value.includes('cust-42'))).toBe(false);
  });
});
