import type { RelationshipSnapshot } from '@mp/contracts';
import { CustomerState, emptyCustomerState, PartnerState } from '@mp/domain';
import { activeRelationships, delegatedAdminView, toCustomerResellers, toCustomerSubscriptions } from './customer-views';

function relationship(resellerId: string, overrides: Partial<RelationshipSnapshot> = {}): RelationshipSnapshot {
  return {
    customerId: 'cust-1',
    resellerId,
    status: 'active',
    channel: 'direct',
    services: ['Azure'],
    since: '2025-01-01T00:00:00.000Z',
    delegatedAdmin: { status: 'none', roles: [], services: [], autoExtend: false },
    ...overrides,
  };
}

function customer(relationships: RelationshipSnapshot[]): CustomerState {
  return {
    ...emptyCustomerState('cust-1'),
    profile: { name: 'Fabrikam', country: 'FR', admins: ['admin-1'] },
    relationships: Object.fromEntries(relationships.map((r) => [r.resellerId, r])),
  };
}

const partner = (partnerId: string, name: string): PartnerState => ({
  partnerId,
  suspended: false,
  providerIds: [],
  profile: { name, kind: 'direct-reseller', specializations: [], countries: ['FR'] },
});

describe('customer views', () => {
  it('shows delegated admin privileges without their internal fields', () => {
    expect(
      delegatedAdminView({
        status: 'active',
        roles: ['HelpdeskAdministrator'],
        services: ['Azure'],
        grantedAt: '2025-01-01T00:00:00.000Z',
        expiresAt: '2025-04-01T00:00:00.000Z',
        durationDays: 90,
        autoExtend: true,
      }),
    ).toEqual({ status: 'active', roles: ['HelpdeskAdministrator'], expiresAt: '2025-04-01T00:00:00.000Z', autoExtend: true });
    expect(delegatedAdminView({ status: 'none', roles: [], services: [], autoExtend: false })).not.toHaveProperty('expiresAt');
  });

  it('keeps only active relationships, oldest first, and filters by service', () => {
    const state = customer([
      relationship('res-b', { since: '2025-02-01T00:00:00.000Z', services: ['Microsoft365'] }),
      relationship('res-a', { since: '2025-01-01T00:00:00.000Z', services: ['Azure', 'Microsoft365'] }),
      relationship('res-ended', { status: 'ended', endedAt: '2025-03-01T00:00:00.000Z' }),
    ]);
    expect(activeRelationships(state).map((r) => r.resellerId)).toEqual(['res-a', 'res-b']);
    expect(activeRelationships(state, 'Azure').map((r) => r.resellerId)).toEqual(['res-a']);
    expect(activeRelationships(state, 'Microsoft365').map((r) => r.resellerId)).toEqual(['res-a', 'res-b']);
    expect(activeRelationships(state, 'Dynamics365')).toEqual([]);
  });

  it('answers which resellers serve the customer, with their names and channel', () => {
    const relationships = [
      relationship('res-a'),
      relationship('res-b', { channel: 'indirect', indirectProviderId: 'prov-1', services: ['Microsoft365'] }),
      relationship('res-unregistered'),
    ];
    const partners = new Map([
      ['res-a', partner('res-a', 'Contoso')],
      ['res-b', partner('res-b', 'Northwind')],
    ]);
    expect(toCustomerResellers('cust-1', relationships, partners)).toEqual({
      customerId: 'cust-1',
      resellers: [
        { resellerId: 'res-a', name: 'Contoso', channel: 'direct', services: ['Azure'], since: '2025-01-01T00:00:00.000Z', delegatedAdmin: { status: 'none', roles: [], autoExtend: false } },
        {
          resellerId: 'res-b',
          name: 'Northwind',
          channel: 'indirect',
          indirectProviderId: 'prov-1',
          services: ['Microsoft365'],
          since: '2025-01-01T00:00:00.000Z',
          delegatedAdmin: { status: 'none', roles: [], autoExtend: false },
        },
        { resellerId: 'res-unregistered', name: null, channel: 'direct', services: ['Azure'], since: '2025-01-01T00:00:00.000Z', delegatedAdmin: { status: 'none', roles: [], autoExtend: false } },
      ],
    });
    expect(toCustomerResellers('cust-1', relationships, partners).resellers[0]).not.toHaveProperty('indirectProviderId');
  });

  it('lists every subscription with its Partner of Record, by id', () => {
    const state: CustomerState = {
      ...customer([]),
      subscriptions: {
        'sub-2': { subscriptionId: 'sub-2', customerId: 'cust-1', partnerOfRecordId: 'res-b', service: 'Microsoft365', quantity: 5, status: 'cancelled' },
        'sub-1': { subscriptionId: 'sub-1', customerId: 'cust-1', partnerOfRecordId: 'res-a', service: 'Azure', quantity: 10, status: 'active' },
      },
    };
    expect(toCustomerSubscriptions(state)).toEqual({
      customerId: 'cust-1',
      subscriptions: [
        { subscriptionId: 'sub-1', service: 'Azure', quantity: 10, partnerOfRecordId: 'res-a', status: 'active' },
        { subscriptionId: 'sub-2', service: 'Microsoft365', quantity: 5, partnerOfRecordId: 'res-b', status: 'cancelled' },
      ],
    });
  });
});
