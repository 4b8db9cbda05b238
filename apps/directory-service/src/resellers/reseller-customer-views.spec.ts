import type { RelationshipSnapshot } from '@mp/contracts';
import { CustomerState, emptyCustomerState } from '@mp/domain';
import { toResellerCustomers } from './reseller-customer-views';

function customer(customerId: string, name: string | undefined, relationship?: Partial<RelationshipSnapshot>): CustomerState {
  const base = emptyCustomerState(customerId);
  return {
    ...base,
    ...(name ? { profile: { name, country: 'FR', admins: [] } } : {}),
    relationships: relationship
      ? {
          'res-a': {
            customerId,
            resellerId: 'res-a',
            status: 'active',
            channel: 'direct',
            services: ['Azure'],
            since: '2025-01-01T00:00:00.000Z',
            delegatedAdmin: { status: 'active', roles: ['HelpdeskAdministrator'], services: ['Azure'], expiresAt: '2025-04-01T00:00:00.000Z', autoExtend: false },
            ...relationship,
          },
        }
      : {},
  };
}

describe('reseller customers view', () => {
  it('shows each customer of the page with its relationship, in page order', () => {
    const customers = new Map([
      ['c1', customer('c1', 'Fabrikam', {})],
      ['c2', customer('c2', undefined, { services: ['Azure', 'Microsoft365'] })],
    ]);
    expect(toResellerCustomers('res-a', ['c1', 'c2'], customers, 'next')).toEqual({
      resellerId: 'res-a',
      customers: [
        { customerId: 'c1', name: 'Fabrikam', services: ['Azure'], since: '2025-01-01T00:00:00.000Z', delegatedAdmin: { status: 'active', roles: ['HelpdeskAdministrator'], expiresAt: '2025-04-01T00:00:00.000Z', autoExtend: false } },
        { customerId: 'c2', name: null, services: ['Azure', 'Microsoft365'], since: '2025-01-01T00:00:00.000Z', delegatedAdmin: { status: 'active', roles: ['HelpdeskAdministrator'], expiresAt: '2025-04-01T00:00:00.000Z', autoExtend: false } },
      ],
      nextCursor: 'next',
    });
  });

  it('leaves out members whose relationship is not active (the index lags the state) or whose state is gone', () => {
    const customers = new Map([
      ['c1', customer('c1', 'Fabrikam', { status: 'ended' })],
      ['c2', customer('c2', 'Tailspin')],
    ]);
    const page = toResellerCustomers('res-a', ['c1', 'c2', 'c3'], customers);
    expect(page).toEqual({ resellerId: 'res-a', customers: [] });
    expect(page).not.toHaveProperty('nextCursor');
  });
});
