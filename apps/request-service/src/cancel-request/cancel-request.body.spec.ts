import type { Principal } from '@mp/auth';
import { validateData } from '@mp/contracts';
import { cancelRequestOf } from './cancel-request.body';

const reseller: Principal = { sub: 'u-agent', role: 'reseller', partnerId: 'p-1' };

describe('POST /v1/requests/{requestId}/cancel -> CancelRequest', () => {
  it('cancels as the token\'s reseller and user, the request the path names, with the customer the body names', () => {
    const data = cancelRequestOf(reseller, 'r-1', { customerId: 'cust-a' });
    expect(data).toEqual({ requestId: 'r-1', customerId: 'cust-a', resellerId: 'p-1', cancelledBy: { userId: 'u-agent' } });
    expect(validateData('CancelRequest', data).ok).toBe(true);
  });

  it('leaves a missing customer to the contract\'s rules (a 400 from the publisher)', () => {
    expect(validateData('CancelRequest', cancelRequestOf(reseller, 'r-1', {}))).toMatchObject({ ok: false, errors: [{ path: 'customerId' }] });
  });

  it('refuses another reseller (403), a customer admin (403), and a requestId or actor in the body (400)', () => {
    expect(() => cancelRequestOf(reseller, 'r-1', { customerId: 'cust-a', resellerId: 'p-2' })).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => cancelRequestOf({ sub: 'u', role: 'customer-admin', customerId: 'cust-a' }, 'r-1', { customerId: 'cust-a' })).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => cancelRequestOf(reseller, 'r-1', { customerId: 'cust-a', requestId: 'r-2' })).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => cancelRequestOf(reseller, 'r-1', { customerId: 'cust-a', cancelledBy: { userId: 'x' } })).toThrow(expect.objectContaining({ status: 400 }));
  });
});
