import { decideApprove, decideDecline } from './consent/decide-consent';
import { defaultConsentPolicy } from './consent/consent-policy';
import { CustomerEvent } from './customer-events';
import { emptyCustomerState } from './customer-state';
import { evolve, foldCustomer } from './evolve';
import { decideRequestRelationship } from './request/decide-request';
import { defaultRequestPolicy } from './request/request-policy';
import { ADMIN, asEvents, CUSTOMER, customerRegistered, customerState, NOW, partnerRegistered, partnerState, requestRelationship, subscriptionCreated } from './testing/fixtures';
import { addDays } from './clock';

/** A customer's history: registered, a subscription, a request, then its approval a day later. */
function history(): CustomerEvent[] {
  const reference = asEvents([customerRegistered(), subscriptionCreated('sub-1', 'reseller-9')]);
  const registered = foldCustomer(emptyCustomerState(CUSTOMER), reference);
  const requested = asEvents(
    decideRequestRelationship(requestRelationship(), { customer: registered, reseller: partnerState('reseller-1', partnerRegistered('reseller-1')), now: NOW, policy: defaultRequestPolicy }),
  );
  const pending = foldCustomer(registered, requested);
  const later = addDays(NOW, 1);
  const approved = asEvents(decideApprove({ requestId: 'req-1', customerId: CUSTOMER, approvedBy: ADMIN }, { customer: pending, now: later, policy: defaultConsentPolicy }), later);
  return [...reference, ...requested, ...approved];
}

describe('evolve', () => {
  it("keeps a party's own webhook secret from its registration, and drops it when a later registration has none", () => {
    const webhookSecret = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    const customer = foldCustomer(emptyCustomerState(CUSTOMER), asEvents([customerRegistered({ webhookUrl: 'https://c.example/hooks', webhookSecret })]));
    expect(customer.profile).toMatchObject({ webhookUrl: 'https://c.example/hooks', webhookSecret });
    expect(foldCustomer(customer, asEvents([customerRegistered()])).profile?.webhookSecret).toBeUndefined();
    const partner = partnerState('reseller-1', partnerRegistered('reseller-1', { webhookSecret }));
    expect(partner.profile?.webhookSecret).toBe(webhookSecret);
    expect(partnerState('reseller-1', partnerRegistered('reseller-1', { webhookSecret }), partnerRegistered('reseller-1')).profile?.webhookSecret).toBeUndefined();
  });

  it('is idempotent: folding every event twice gives the same state', () => {
    const events = history();
    const once = foldCustomer(emptyCustomerState(CUSTOMER), events);
    const twice = foldCustomer(once, events);
    expect(twice).toEqual(once);
  });

  it('gives the same state when an outcome is folded before its request (two topics, no order between them)', () => {
    const events = history();
    const inOrder = foldCustomer(emptyCustomerState(CUSTOMER), events);
    const requested = events.filter((e) => e.type === 'RelationshipRequested');
    const outOfOrder = foldCustomer(emptyCustomerState(CUSTOMER), [...events.filter((e) => e.type !== 'RelationshipRequested'), ...requested]);
    expect(outOfOrder).toEqual(inOrder);
    expect(inOrder.requests['req-1']).toMatchObject({ status: 'approved', services: ['Azure'] });
    expect(inOrder.requests['req-1'].history.map((h) => h.status)).toEqual(['pending', 'approved']);
  });

  it('never leaves a terminal state', () => {
    const approved = foldCustomer(emptyCustomerState(CUSTOMER), history());
    const declined = asEvents(decideDecline({ requestId: 'req-1', customerId: CUSTOMER, declinedBy: ADMIN }, { customer: customerState(customerRegistered(), ...decideRequestRelationship(requestRelationship(), { customer: customerState(customerRegistered()), reseller: partnerState('reseller-1', partnerRegistered('reseller-1')), now: NOW, policy: defaultRequestPolicy })), now: NOW, policy: defaultConsentPolicy }));
    expect(declined.reduce(evolve, approved).requests['req-1'].status).toBe('approved');
  });

  it('only subscription events change a subscription', () => {
    const state = foldCustomer(emptyCustomerState(CUSTOMER), history());
    expect(state.subscriptions['sub-1']).toEqual({ subscriptionId: 'sub-1', customerId: CUSTOMER, partnerOfRecordId: 'reseller-9', service: 'Azure', quantity: 10, status: 'active' });
  });
});
