import { customerVisibility, mayBeCustomer, mayReadRequest, mayUse, resellerCustomersVisibility, ROUTE_ROLES, type CustomerParties, type DirectoryRoute } from './access';
import type { Principal } from './principal';

const ops: Principal = { sub: 'o', role: 'ops' };
const adminOfContoso: Principal = { sub: 'a', role: 'customer-admin', customerId: 'contoso' };
const adminOfOther: Principal = { sub: 'b', role: 'customer-admin', customerId: 'northwind' };
const direct: Principal = { sub: 'r', role: 'reseller', partnerId: 'fabrikam' };
const indirect: Principal = { sub: 'i', role: 'reseller', partnerId: 'tailspin' };
const provider: Principal = { sub: 'p', role: 'reseller', partnerId: 'wingtip' };
const stranger: Principal = { sub: 's', role: 'reseller', partnerId: 'adatum' };
const pendingOnly: Principal = { sub: 'q', role: 'reseller', partnerId: 'litware' };

/** contoso: fabrikam direct, tailspin through wingtip, litware only asked (a pending request). */
const contoso: CustomerParties = {
  customerId: 'contoso',
  relationships: { fabrikam: { resellerId: 'fabrikam' }, tailspin: { resellerId: 'tailspin', indirectProviderId: 'wingtip' } },
  requests: {
    r1: { resellerId: 'fabrikam' },
    r2: { resellerId: 'tailspin', indirectProviderId: 'wingtip' },
    r3: { resellerId: 'litware' },
  },
};

const seen = (principal: Principal, kind: 'relationships' | 'requests') => {
  const visible = customerVisibility(principal, contoso);
  return visible && Object.entries(contoso[kind]).filter(([, item]) => visible(item)).map(([id]) => id);
};

describe('who may use which route at all (else 403, from the token alone)', () => {
  const table: Array<[DirectoryRoute, Record<'ops' | 'customer-admin' | 'reseller', boolean>]> = [
    ['customer-resellers', { ops: true, 'customer-admin': true, reseller: true }],
    ['customer-subscriptions', { ops: true, 'customer-admin': true, reseller: false }],
    ['customer-requests', { ops: true, 'customer-admin': true, reseller: true }],
    ['request', { ops: true, 'customer-admin': true, reseller: true }],
    ['reseller-customers', { ops: true, 'customer-admin': false, reseller: true }],
    ['ops', { ops: true, 'customer-admin': false, reseller: false }],
  ];
  it.each(table)('%s', (route, allowed) => {
    expect({ ops: mayUse(ops, route), 'customer-admin': mayUse(adminOfContoso, route), reseller: mayUse(direct, route) }).toEqual(allowed);
  });

  it('covers every route', () => {
    expect(table.map(([route]) => route).sort()).toEqual(Object.keys(ROUTE_ROLES).sort());
  });
});

describe("a customer's reseller list and requests", () => {
  it('ops and the customer\'s admin see everything', () => {
    for (const who of [ops, adminOfContoso]) {
      expect(seen(who, 'relationships')).toEqual(['fabrikam', 'tailspin']);
      expect(seen(who, 'requests')).toEqual(['r1', 'r2', 'r3']);
    }
  });

  it("another customer's admin sees nothing: the customer is not theirs (404)", () => {
    expect(customerVisibility(adminOfOther, contoso)).toBeUndefined();
    expect(mayBeCustomer(adminOfOther, 'contoso')).toBe(false);
    expect(mayBeCustomer(adminOfContoso, 'contoso')).toBe(true);
    expect(mayBeCustomer(direct, 'contoso')).toBe(true);
  });

  it('a reseller sees only its own entry and its own requests', () => {
    expect(seen(direct, 'relationships')).toEqual(['fabrikam']);
    expect(seen(direct, 'requests')).toEqual(['r1']);
    expect(seen(indirect, 'relationships')).toEqual(['tailspin']);
    expect(seen(indirect, 'requests')).toEqual(['r2']);
  });

  it('an indirect provider also sees what concerns its indirect resellers', () => {
    expect(seen(provider, 'relationships')).toEqual(['tailspin']);
    expect(seen(provider, 'requests')).toEqual(['r2']);
  });

  it('a reseller with only a request sees its request and no entry', () => {
    expect(seen(pendingOnly, 'relationships')).toEqual([]);
    expect(seen(pendingOnly, 'requests')).toEqual(['r3']);
  });

  it('a reseller that has nothing to do with the customer sees nothing (404)', () => {
    expect(customerVisibility(stranger, contoso)).toBeUndefined();
  });
});

describe('one request', () => {
  const r2 = { customerId: 'contoso', resellerId: 'tailspin', indirectProviderId: 'wingtip' };
  it.each([
    [ops, true],
    [adminOfContoso, true],
    [adminOfOther, false],
    [indirect, true],
    [provider, true],
    [direct, false],
    [stranger, false],
  ])('%o: %p', (who, allowed) => {
    expect(mayReadRequest(who, r2)).toBe(allowed);
  });
});

describe("a reseller's customers", () => {
  const rows = [{ resellerId: 'tailspin', indirectProviderId: 'wingtip' }, { resellerId: 'tailspin', indirectProviderId: 'other-provider' }];
  const shown = (who: Principal, resellerId: string, providerIds: string[] | undefined) => {
    const visible = resellerCustomersVisibility(who, resellerId, providerIds && { providerIds });
    return visible && rows.filter(visible).length;
  };

  it('ops and the reseller itself see all of them', () => {
    expect(shown(ops, 'tailspin', ['wingtip'])).toBe(2);
    expect(shown(indirect, 'tailspin', ['wingtip'])).toBe(2);
  });

  it('its indirect provider sees those it serves through that provider', () => {
    expect(shown(provider, 'tailspin', ['wingtip', 'other-provider'])).toBe(1);
  });

  it('another reseller, a provider it is not linked to, and an unknown reseller: nothing (404)', () => {
    expect(shown(direct, 'tailspin', ['wingtip'])).toBeUndefined();
    expect(shown(provider, 'tailspin', ['other-provider'])).toBeUndefined();
    expect(shown(provider, 'nobody', undefined)).toBeUndefined();
  });

  it('a customer admin nothing (the route is not for its role: 403 before this)', () => {
    expect(shown(adminOfContoso, 'tailspin', ['wingtip'])).toBeUndefined();
  });
});
