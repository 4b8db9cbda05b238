import { addDays } from '../clock';
import { CustomerState } from '../customer-state';
import { Outgoing } from '../outgoing';
import { decideRequestRelationship } from '../request/decide-request';
import { defaultRequestPolicy } from '../request/request-policy';
import { ADMIN, CUSTOMER, customerRegistered, customerState, NOW, partnerRegistered, partnerState, requestRelationship, Scenario, subscriptionCreated } from '../testing/fixtures';
import { defaultConsentPolicy } from './consent-policy';
import { decideApprove, decideDecline, decideEnd, decidePrivilegeExpiry, decideRevoke } from './decide-consent';

const ctx = (customer: CustomerState, now = NOW) => ({ customer, now, policy: defaultConsentPolicy });
const ask = { roles: ['HelpdeskAgent'], durationDays: 30, autoExtend: false };
const approve = (overrides = {}) => ({ requestId: 'req-1', customerId: CUSTOMER, approvedBy: ADMIN, ...overrides });
const reasonOf = (events: Outgoing[]) => (events[0]?.type === 'ConsentRejected' ? events[0].data.reason : events[0]?.type);
const types = (events: Outgoing[]) => events.map((e) => e.type);

const reseller = (id: string) => partnerState(id, partnerRegistered(id));
const requested = (command = requestRelationship()) => (state: CustomerState) =>
  decideRequestRelationship(command, { customer: state, reseller: reseller(command.resellerId), now: NOW, policy: defaultRequestPolicy });
const approved = (command = approve()) => (state: CustomerState) => decideApprove(command, ctx(state));

/** A registered customer with a pending request for each command. */
const given = (reference: Outgoing[], ...requests: ReturnType<typeof requestRelationship>[]) =>
  requests.reduce((scenario, command) => scenario.step(requested(command)), new Scenario().given(...reference)).state;

describe('ApproveRequest', () => {
  it('by an admin establishes the relationship, with privileges when asked', () => {
    const events = decideApprove(approve(), ctx(given([customerRegistered()], requestRelationship({ delegatedAdmin: ask }))));
    expect(types(events)).toEqual(['RelationshipEstablished', 'DelegatedAdminGranted']);
    expect(events[0].data).toMatchObject({
      requestId: 'req-1',
      approvedBy: ADMIN,
      relationship: { status: 'active', channel: 'direct', services: ['Azure'], since: NOW.toISOString(), delegatedAdmin: { status: 'active', roles: ['HelpdeskAgent'] } },
    });
    expect(events[1].data).toMatchObject({ delegatedAdmin: { status: 'active', services: ['Azure'], expiresAt: addDays(NOW, 30).toISOString(), autoExtend: false } });
  });

  it('may withhold the privileges asked', () => {
    const events = decideApprove(approve({ grantDelegatedAdmin: false }), ctx(given([customerRegistered()], requestRelationship({ delegatedAdmin: ask }))));
    expect(types(events)).toEqual(['RelationshipEstablished']);
    expect(events[0].data).toMatchObject({ relationship: { delegatedAdmin: { status: 'none' } } });
  });

  it.each([
    ['NOT_CUSTOMER_ADMIN', approve({ approvedBy: { userId: 'intruder' } })],
    ['REQUEST_NOT_FOUND', approve({ requestId: 'nope' })],
  ])('is rejected with %s', (reason, command) => {
    const events = decideApprove(command, ctx(given([customerRegistered()], requestRelationship())));
    expect(events).toEqual([{ type: 'ConsentRejected', data: expect.objectContaining({ reason, command: 'ApproveRequest', actor: command.approvedBy }) }]);
  });

  it('is rejected with CUSTOMER_UNKNOWN for a customer never registered', () => {
    expect(reasonOf(decideApprove(approve(), ctx(customerState())))).toBe('CUSTOMER_UNKNOWN');
  });

  it('is rejected with REQUEST_NOT_PENDING once declined', () => {
    const declined = new Scenario()
      .given(customerRegistered())
      .step(requested())
      .step((state) => decideDecline({ requestId: 'req-1', customerId: CUSTOMER, declinedBy: ADMIN }, ctx(state))).state;
    expect(reasonOf(decideApprove(approve(), ctx(declined)))).toBe('REQUEST_NOT_PENDING');
  });

  it('of a second request for an active relationship adds its services (RelationshipUpdated)', () => {
    const withSecond = new Scenario()
      .given(customerRegistered())
      .step(requested())
      .step(approved())
      .step(requested(requestRelationship({ requestId: 'req-2', services: ['Microsoft365'] }))).state;
    const events = decideApprove(approve({ requestId: 'req-2' }), ctx(withSecond));
    expect(events).toEqual([
      { type: 'RelationshipUpdated', data: expect.objectContaining({ addedServices: ['Microsoft365'], relationship: expect.objectContaining({ services: ['Azure', 'Microsoft365'] }) }) },
    ]);
  });

  it('is rejected with SERVICE_ADMIN_TAKEN when another reseller holds privileges for the service', () => {
    const state = new Scenario()
      .given(customerRegistered())
      .step(requested(requestRelationship({ delegatedAdmin: ask })))
      .step(requested(requestRelationship({ requestId: 'req-2', resellerId: 'reseller-2', delegatedAdmin: ask })))
      .step(approved()).state;
    const events = decideApprove(approve({ requestId: 'req-2' }), ctx(state));
    expect(events[0]).toMatchObject({ type: 'ConsentRejected', data: { reason: 'SERVICE_ADMIN_TAKEN', holderResellerId: 'reseller-1' } });
    expect(types(decideApprove(approve({ requestId: 'req-2', grantDelegatedAdmin: false }), ctx(state)))).toEqual(['RelationshipEstablished']);
  });
});

describe('merging privileges on a later approval', () => {
  const grantOf = (events: Outgoing[]) => events.find((e) => e.type === 'DelegatedAdminGranted')!.data as { delegatedAdmin: { roles: string[]; autoExtend: boolean; expiresAt: string } };

  it('never lets privileges that include GlobalAdministrator auto-extend, however the roles came together', () => {
    const state = new Scenario()
      .given(customerRegistered())
      .step(requested(requestRelationship({ delegatedAdmin: { roles: ['GlobalAdministrator'], durationDays: 30, autoExtend: false } })))
      .step(approved())
      .step(requested(requestRelationship({ requestId: 'req-2', services: ['Dynamics365'], delegatedAdmin: { roles: ['HelpdeskAgent'], durationDays: 30, autoExtend: true } }))).state;
    const merged = grantOf(decideApprove(approve({ requestId: 'req-2' }), ctx(state))).delegatedAdmin;
    expect(merged).toMatchObject({ roles: ['GlobalAdministrator', 'HelpdeskAgent'], autoExtend: false });
  });

  it('never shortens privileges still active', () => {
    const state = new Scenario()
      .given(customerRegistered())
      .step(requested(requestRelationship({ delegatedAdmin: { roles: ['HelpdeskAgent'], durationDays: 365, autoExtend: false } })))
      .step(approved())
      .step(requested(requestRelationship({ requestId: 'req-2', services: ['Dynamics365'], delegatedAdmin: { roles: ['HelpdeskAgent'], durationDays: 1, autoExtend: false } }))).state;
    expect(grantOf(decideApprove(approve({ requestId: 'req-2' }), ctx(state))).delegatedAdmin.expiresAt).toBe(addDays(NOW, 365).toISOString());
  });
});

describe('DeclineRequest', () => {
  it('by an admin declines the request', () => {
    const events = decideDecline({ requestId: 'req-1', customerId: CUSTOMER, declinedBy: ADMIN, reason: 'not now' }, ctx(given([customerRegistered()], requestRelationship())));
    expect(events).toEqual([
      { type: 'RequestDeclined', data: { requestId: 'req-1', customerId: CUSTOMER, resellerId: 'reseller-1', declinedBy: ADMIN, reason: 'not now', status: 'declined', declinedAt: NOW.toISOString() } },
    ]);
  });

  it('by anyone else is rejected with NOT_CUSTOMER_ADMIN', () => {
    expect(reasonOf(decideDecline({ requestId: 'req-1', customerId: CUSTOMER, declinedBy: { userId: 'x' } }, ctx(given([customerRegistered()], requestRelationship()))))).toBe(
      'NOT_CUSTOMER_ADMIN',
    );
  });
});

describe('EndRelationship and RevokeDelegatedAdmin', () => {
  const established = (reference: Outgoing[] = [customerRegistered()]) =>
    new Scenario().given(...reference).step(requested(requestRelationship({ delegatedAdmin: ask }))).step(approved()).state;
  const end = (party: 'customer' | 'reseller' | 'provider', userId = party === 'customer' ? ADMIN.userId : 'agent-1') => ({
    customerId: CUSTOMER,
    resellerId: 'reseller-1',
    endedBy: { party, userId },
  });

  it('the customer ends it, and its privileges end in the same step', () => {
    const events = decideEnd(end('customer'), ctx(established()));
    expect(types(events)).toEqual(['RelationshipEnded', 'DelegatedAdminRevoked']);
    expect(events[0].data).toMatchObject({ relationship: { status: 'ended', endedAt: NOW.toISOString(), delegatedAdmin: { status: 'revoked' } } });
  });

  it('the reseller ends it unless it is Partner of Record of an active subscription', () => {
    expect(types(decideEnd(end('reseller'), ctx(established())))).toEqual(['RelationshipEnded', 'DelegatedAdminRevoked']);
    const holding = established([customerRegistered(), subscriptionCreated('sub-1', 'reseller-1')]);
    expect(reasonOf(decideEnd(end('reseller'), ctx(holding)))).toBe('HAS_ACTIVE_SUBSCRIPTIONS');
    expect(types(decideEnd(end('customer'), ctx(holding)))).toEqual(['RelationshipEnded', 'DelegatedAdminRevoked']);
  });

  it('is rejected for a non-admin customer user, and when there is nothing to end', () => {
    expect(reasonOf(decideEnd(end('customer', 'x'), ctx(established())))).toBe('NOT_CUSTOMER_ADMIN');
    expect(reasonOf(decideEnd(end('customer'), ctx(customerState(customerRegistered()))))).toBe('RELATIONSHIP_NOT_FOUND');
  });

  it('revokes privileges by an admin only, and only active ones', () => {
    const revoke = (userId = ADMIN.userId) => ({ customerId: CUSTOMER, resellerId: 'reseller-1', revokedBy: { userId } });
    expect(decideRevoke(revoke(), ctx(established()))[0]).toMatchObject({ type: 'DelegatedAdminRevoked', data: { reason: 'revoked-by-customer', delegatedAdmin: { status: 'revoked' } } });
    expect(reasonOf(decideRevoke(revoke('x'), ctx(established())))).toBe('NOT_CUSTOMER_ADMIN');
    expect(reasonOf(decideRevoke(revoke(), ctx(customerState(customerRegistered()))))).toBe('NO_ACTIVE_PRIVILEGES');
  });

  it('privileges expire when their time is up, or extend by 180 days when they auto-extend', () => {
    expect(decidePrivilegeExpiry(established(), addDays(NOW, 29))).toEqual([]);
    expect(types(decidePrivilegeExpiry(established(), addDays(NOW, 30)))).toEqual(['DelegatedAdminExpired']);
  });
});

describe('RequestDeclined is complete', () => {
  it('names the indirect provider of the request it declines', () => {
    const indirect = requestRelationship({ resellerId: 'ind-1', indirectProviderId: 'prov-1' });
    const state = new Scenario()
      .given(customerRegistered())
      .given({ type: 'RelationshipRequested', data: { ...indirect, channel: 'indirect', status: 'pending', requestedAt: NOW.toISOString(), expiresAt: addDays(NOW, 90).toISOString() } } as Outgoing).state;
    const [declined] = decideDecline({ requestId: 'req-1', customerId: CUSTOMER, declinedBy: ADMIN }, ctx(state));
    expect(declined).toMatchObject({ type: 'RequestDeclined', data: { resellerId: 'ind-1', indirectProviderId: 'prov-1' } });
  });
});
