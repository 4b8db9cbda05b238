import type { Principal } from '@mp/auth';
import { validateData } from '@mp/contracts';
import { revokeDelegatedAdminOf } from '../revoke-delegated-admin/revoke-delegated-admin.body';
import { endingParty, endRelationshipOf } from './end-relationship.body';

const ids = { customerId: 'cust-a', resellerId: 'p-indirect' };
const admin: Principal = { sub: 'u-admin', role: 'customer-admin', customerId: 'cust-a' };
const otherAdmin: Principal = { sub: 'u-b', role: 'customer-admin', customerId: 'cust-b' };
const itself: Principal = { sub: 'u-agent', role: 'reseller', partnerId: 'p-indirect' };
const provider: Principal = { sub: 'u-prov', role: 'reseller', partnerId: 'p-provider' };
const stranger: Principal = { sub: 'u-x', role: 'reseller', partnerId: 'p-other' };
const status = (run: () => unknown) => {
  try {
    run();
    return 'passed';
  } catch (error) {
    return (error as { status?: number }).status;
  }
};

describe('POST /v1/customers/{customerId}/resellers/{resellerId}/end and /revoke-admin', () => {
  it('ends as the party the token acts for: the customer, the reseller, or the provider it came through', () => {
    expect(endingParty(admin, ids)).toBe('customer');
    expect(endingParty(itself, ids)).toBe('reseller');
    expect(endingParty(provider, ids, 'p-provider')).toBe('provider');
  });

  it('refuses another customer\'s admin, a partner that is neither the reseller nor its provider, and ops, with 403', () => {
    expect(status(() => endingParty(otherAdmin, ids))).toBe(403);
    expect(status(() => endingParty(provider, ids))).toBe(403);
    expect(status(() => endingParty(stranger, ids, 'p-provider'))).toBe(403);
    expect(status(() => endingParty({ sub: 'ops', role: 'ops' }, ids))).toBe(403);
  });

  it('makes the EndRelationship of the path\'s relationship, the token\'s user and party, with the reason given', () => {
    const data = endRelationshipOf(provider, ids, { reason: 'moved on' }, 'p-provider');
    expect(data).toEqual({ customerId: 'cust-a', resellerId: 'p-indirect', endedBy: { party: 'provider', userId: 'u-prov' }, reason: 'moved on' });
    expect(validateData('EndRelationship', data).ok).toBe(true);
    expect(status(() => endRelationshipOf(admin, ids, { endedBy: { party: 'customer', userId: 'u-admin' } }))).toBe(400);
    expect(status(() => endRelationshipOf(admin, ids, { customerId: 'cust-a' }))).toBe(400);
  });

  it('revokes as the customer\'s admin only, with no body', () => {
    const data = revokeDelegatedAdminOf(admin, ids, undefined);
    expect(data).toEqual({ customerId: 'cust-a', resellerId: 'p-indirect', revokedBy: { userId: 'u-admin' } });
    expect(validateData('RevokeDelegatedAdmin', data).ok).toBe(true);
    expect(status(() => revokeDelegatedAdminOf(itself, ids, undefined))).toBe(403);
    expect(status(() => revokeDelegatedAdminOf(otherAdmin, ids, undefined))).toBe(403);
    expect(status(() => revokeDelegatedAdminOf(admin, ids, { revokedBy: { userId: 'u-admin' } }))).toBe(400);
  });
});
