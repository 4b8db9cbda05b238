import { decideCancelRequest, decideRequestExpiry, decideRequestRelationship, RequestContext } from './decide-request';
import { defaultRequestPolicy } from './request-policy';
import { addDays } from '../clock';
import { CustomerState } from '../customer-state';
import { PartnerState } from '../partner-state';
import { Outgoing } from '../outgoing';
import { decideApprove } from '../consent/decide-consent';
import { defaultConsentPolicy } from '../consent/consent-policy';
import {
  ADMIN,
  CUSTOMER,
  customerRegistered,
  customerState,
  NOW,
  partnerRegistered,
  partnerState,
  requestRelationship,
} from '../testing/fixtures';

const reseller = partnerState('reseller-1', partnerRegistered('reseller-1'));

function when(customer: CustomerState, command = requestRelationship(), partners: { reseller?: PartnerState; provider?: PartnerState } = { reseller }) {
  const ctx: RequestContext = { customer, ...partners, now: NOW, policy: defaultRequestPolicy };
  return decideRequestRelationship(command, ctx);
}

const reasonOf = (events: Outgoing[]) => (events[0]?.type === 'RequestRejected' ? events[0].data.reason : events[0]?.type);

/** A customer with a pending request (req-1 from reseller-1), as the request-service would have folded it. */
function withPending(command = requestRelationship()): CustomerState {
  const given = customerState(customerRegistered());
  return customerState(customerRegistered(), ...when(given, command));
}

describe('RequestRelationship', () => {
  it('is accepted as pending, with its expiry REQUEST_TTL_DAYS ahead', () => {
    const events = when(customerState(customerRegistered()));
    expect(events).toEqual([
      {
        type: 'RelationshipRequested',
        data: {
          requestId: 'req-1',
          customerId: CUSTOMER,
          resellerId: 'reseller-1',
          services: ['Azure'],
          delegatedAdmin: undefined,
          channel: 'direct',
          indirectProviderId: undefined,
          message: undefined,
          requestedBy: { userId: 'agent-1' },
          status: 'pending',
          requestedAt: NOW.toISOString(),
          expiresAt: addDays(NOW, 90).toISOString(),
        },
      },
    ]);
  });

  it('is idempotent: the same requestId again yields no event', () => {
    expect(when(withPending())).toEqual([]);
  });

  it('is idempotent after a rejection too', () => {
    const given = customerState(...when(customerState(), requestRelationship()));
    expect(when(given)).toEqual([]);
  });

  it.each<[string, () => Outgoing[]]>([
    ['CUSTOMER_UNKNOWN', () => when(customerState())],
    ['RESELLER_UNKNOWN', () => when(customerState(customerRegistered()), requestRelationship(), {})],
    [
      'RESELLER_SUSPENDED',
      () => when(customerState(customerRegistered()), requestRelationship(), {
        reseller: partnerState('reseller-1', partnerRegistered('reseller-1'), { type: 'PartnerSuspended', data: { partnerId: 'reseller-1' } }),
      }),
    ],
    ['NOT_AN_INDIRECT_RESELLER', () => when(customerState(customerRegistered()), requestRelationship({ indirectProviderId: 'prov-1' }))],
    [
      'PROVIDER_NOT_LINKED',
      () => when(customerState(customerRegistered()), requestRelationship({ indirectProviderId: 'prov-1' }), {
        reseller: partnerState('reseller-1', partnerRegistered('reseller-1', { kind: 'indirect-reseller' })),
        provider: partnerState('prov-1', partnerRegistered('prov-1', { kind: 'indirect-provider' })),
      }),
    ],
    ['REGION_MISMATCH', () => when(customerState(customerRegistered({ country: 'JP' })))],
    [
      'AUTO_EXTEND_NOT_ALLOWED',
      () => when(customerState(customerRegistered()), requestRelationship({ delegatedAdmin: { roles: ['GlobalAdministrator'], durationDays: 30, autoExtend: true } })),
    ],
    ['DUPLICATE_PENDING', () => when(withPending(), requestRelationship({ requestId: 'req-2' }))],
    ['REQUEST_ID_TAKEN', () => when(withPending(), requestRelationship({ resellerId: 'reseller-2' }), { reseller: partnerState('reseller-2', partnerRegistered('reseller-2')) })],
  ])('is rejected with %s', (reason, decide) => {
    const events = decide();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'RequestRejected', data: { reason, requestId: expect.any(String), command: 'RequestRelationship', actor: { userId: 'agent-1' } } });
    expect((events[0].data as { message: string }).message).toMatch(/\S/);
  });

  it('an indirect reseller that names a linked provider is accepted on the indirect channel', () => {
    const indirect = partnerState('reseller-1', partnerRegistered('reseller-1', { kind: 'indirect-reseller' }), {
      type: 'PartnersLinked',
      data: { indirectProviderId: 'prov-1', indirectResellerId: 'reseller-1' },
    });
    const provider = partnerState('prov-1', partnerRegistered('prov-1', { kind: 'indirect-provider' }));
    const events = when(customerState(customerRegistered()), requestRelationship({ indirectProviderId: 'prov-1' }), { reseller: indirect, provider });
    expect(events[0]).toMatchObject({ type: 'RelationshipRequested', data: { channel: 'indirect', indirectProviderId: 'prov-1' } });
  });

  describe('against an active relationship', () => {
    const ask = { roles: ['HelpdeskAgent'], durationDays: 30, autoExtend: false };
    function active(): CustomerState {
      const pending = withPending(requestRelationship({ delegatedAdmin: ask }));
      const approved = decideApprove({ requestId: 'req-1', customerId: CUSTOMER, approvedBy: ADMIN }, { customer: pending, now: NOW, policy: defaultConsentPolicy });
      return customerState(customerRegistered(), ...when(customerState(customerRegistered()), requestRelationship({ delegatedAdmin: ask })), ...approved);
    }

    it('is rejected with NOTHING_NEW when every service and privilege is already there', () => {
      expect(reasonOf(when(active(), requestRelationship({ requestId: 'req-2', delegatedAdmin: ask })))).toBe('NOTHING_NEW');
    });

    it('is accepted when it asks for a new service', () => {
      expect(reasonOf(when(active(), requestRelationship({ requestId: 'req-2', services: ['Microsoft365'] })))).toBe('RelationshipRequested');
    });
  });
});

describe('CancelRequest', () => {
  const cancel = (overrides = {}) => ({ requestId: 'req-1', customerId: CUSTOMER, resellerId: 'reseller-1', cancelledBy: { userId: 'agent-1' }, ...overrides });

  it('cancels a pending request of the requesting reseller', () => {
    expect(decideCancelRequest(cancel(), { customer: withPending(), now: NOW })).toEqual([
      {
        type: 'RequestCancelled',
        data: { requestId: 'req-1', customerId: CUSTOMER, resellerId: 'reseller-1', cancelledBy: { userId: 'agent-1' }, status: 'cancelled', cancelledAt: NOW.toISOString() },
      },
    ]);
  });

  it.each([
    ['REQUEST_NOT_FOUND', cancel({ requestId: 'nope' })],
    ['NOT_REQUESTING_RESELLER', cancel({ resellerId: 'reseller-2' })],
  ])('is rejected with %s', (reason, command) => {
    expect(reasonOf(decideCancelRequest(command, { customer: withPending(), now: NOW }))).toBe(reason);
  });

  it('is rejected with REQUEST_NOT_PENDING once cancelled', () => {
    const cancelled = customerState(customerRegistered(), ...when(customerState(customerRegistered())), ...decideCancelRequest(cancel(), { customer: withPending(), now: NOW }));
    expect(reasonOf(decideCancelRequest(cancel(), { customer: cancelled, now: NOW }))).toBe('REQUEST_NOT_PENDING');
  });
});

describe('request expiry', () => {
  it('expires pending requests whose time is up, and only those', () => {
    const state = withPending();
    expect(decideRequestExpiry(state, addDays(NOW, 89))).toEqual([]);
    expect(decideRequestExpiry(state, addDays(NOW, 90))).toEqual([
      { type: 'RequestExpired', data: { requestId: 'req-1', customerId: CUSTOMER, resellerId: 'reseller-1', status: 'expired', expiredAt: addDays(NOW, 90).toISOString() } },
    ]);
  });
});
