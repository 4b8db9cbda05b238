import { CustomerEventType } from '../customer-events';
import { CustomerState, emptyCustomerState } from '../customer-state';
import { asEvents, CUSTOMER, customerRegistered, Scenario } from '../testing/fixtures';
import { Outgoing } from '../outgoing';
import { recipientsOf } from './recipients';

const customer = { party: 'customer', partyId: CUSTOMER };
const reseller = { party: 'reseller', partyId: 'r-1' };
const provider = { party: 'provider', partyId: 'p-1' };
const relationship = (indirect: boolean) => ({
  customerId: CUSTOMER,
  resellerId: 'r-1',
  status: 'active' as const,
  channel: indirect ? ('indirect' as const) : ('direct' as const),
  indirectProviderId: indirect ? 'p-1' : undefined,
  services: ['Azure'],
  since: '2026-01-01T00:00:00.000Z',
  delegatedAdmin: { status: 'active' as const, roles: ['HelpdeskAgent'], services: ['Azure'], expiresAt: '2026-03-01T00:00:00.000Z', autoExtend: false },
});

/** One event of each type about reseller r-1, on a customer whose relationship (and request) is direct or indirect. */
function eventsOf(indirect: boolean): Outgoing[] {
  const ids = { customerId: CUSTOMER, resellerId: 'r-1' };
  const rel = relationship(indirect);
  const admin = { userId: 'admin' };
  const byCustomer = { party: 'customer' as const, userId: 'admin' };
  return [
    { type: 'CustomerRegistered', data: { customerId: CUSTOMER, name: 'C', country: 'DE', admins: ['admin'] } },
    { type: 'CustomerAdminAdded', data: { customerId: CUSTOMER, userId: 'u' } },
    { type: 'CustomerAdminRemoved', data: { customerId: CUSTOMER, userId: 'u' } },
    { type: 'SubscriptionCreated', data: { subscriptionId: 's', customerId: CUSTOMER, partnerOfRecordId: 'r-1', service: 'Azure', quantity: 1 } },
    { type: 'SubscriptionCancelled', data: { subscriptionId: 's', customerId: CUSTOMER } },
    { type: 'PartnerOfRecordChanged', data: { subscriptionId: 's', customerId: CUSTOMER, partnerOfRecordId: 'r-2' } },
    {
      type: 'RelationshipRequested',
      data: { ...ids, requestId: 'q', services: ['Azure'], channel: rel.channel, indirectProviderId: rel.indirectProviderId, requestedBy: admin, status: 'pending', requestedAt: rel.since, expiresAt: rel.since },
    },
    { type: 'RequestRejected', data: { ...ids, requestId: 'q2', reason: 'DUPLICATE_PENDING', message: 'm', command: 'RequestRelationship', actor: admin } },
    { type: 'RequestCancelled', data: { ...ids, requestId: 'q', cancelledBy: admin, status: 'cancelled', cancelledAt: rel.since } },
    { type: 'RequestExpired', data: { ...ids, requestId: 'q', status: 'expired', expiredAt: rel.since } },
    { type: 'RequestDeclined', data: { ...ids, requestId: 'q', declinedBy: admin, status: 'declined', declinedAt: rel.since } },
    { type: 'RelationshipEstablished', data: { ...ids, requestId: 'q', approvedBy: admin, relationship: rel } },
    { type: 'RelationshipUpdated', data: { ...ids, requestId: 'q', approvedBy: admin, relationship: rel, addedServices: [] } },
    { type: 'DelegatedAdminGranted', data: { ...ids, requestId: 'q', grantedBy: admin, delegatedAdmin: rel.delegatedAdmin } },
    { type: 'DelegatedAdminRevoked', data: { ...ids, revokedBy: byCustomer, reason: 'revoked-by-customer', delegatedAdmin: rel.delegatedAdmin } },
    { type: 'DelegatedAdminExtended', data: { ...ids, previousExpiresAt: rel.since, delegatedAdmin: rel.delegatedAdmin } },
    { type: 'DelegatedAdminExpired', data: { ...ids, expiredAt: rel.since, delegatedAdmin: rel.delegatedAdmin } },
    { type: 'RelationshipEnded', data: { ...ids, endedBy: byCustomer, relationship: { ...rel, status: 'ended' } } },
  ] as Outgoing[];
}

function heard(indirect: boolean): Record<string, unknown[]> {
  const events = eventsOf(indirect);
  const state: CustomerState = new Scenario().given(customerRegistered(), events[6], { type: 'RelationshipEstablished', data: events[11].data } as Outgoing).state;
  return Object.fromEntries(asEvents(events).map((e) => [e.type, recipientsOf(e, state)]));
}

describe('who hears what (DESIGN §8)', () => {
  const everyone = [customer, reseller];
  const expected: Record<CustomerEventType, unknown[]> = {
    CustomerRegistered: [],
    CustomerAdminAdded: [],
    CustomerAdminRemoved: [],
    SubscriptionCreated: [],
    SubscriptionCancelled: [],
    PartnerOfRecordChanged: [],
    RelationshipRequested: [customer],
    RequestRejected: [],
    RequestCancelled: everyone,
    RequestExpired: everyone,
    RequestDeclined: everyone,
    RelationshipEstablished: everyone,
    RelationshipUpdated: everyone,
    DelegatedAdminGranted: everyone,
    DelegatedAdminRevoked: everyone,
    DelegatedAdminExtended: everyone,
    DelegatedAdminExpired: everyone,
    RelationshipEnded: everyone,
  };

  it('direct: the customer hears of a new request and of every change; the reseller of what happens to it', () => {
    expect(heard(false)).toEqual(expected);
  });

  it('indirect: the provider hears whatever its reseller hears', () => {
    const withProvider = Object.fromEntries(Object.entries(expected).map(([type, who]) => [type, who.includes(reseller) ? [...who, provider] : who]));
    expect(heard(true)).toEqual(withProvider);
  });
});

describe('a decline read before its request (the request comes on another topic)', () => {
  it('still reaches the indirect provider, named by the event itself', () => {
    const event = {
      id: 'e-1',
      time: '2026-01-10T12:00:00.000Z',
      type: 'RequestDeclined' as const,
      data: { customerId: 'c', resellerId: 'r', requestId: 'q', declinedBy: { userId: 'a' }, indirectProviderId: 'p', status: 'declined' as const, declinedAt: '2026-01-10T12:00:00.000Z' },
    };
    expect(recipientsOf(event, emptyCustomerState('c'))).toEqual([
      { party: 'customer', partyId: 'c' },
      { party: 'reseller', partyId: 'r' },
      { party: 'provider', partyId: 'p' },
    ]);
  });
});
