import type { Principal } from '@mp/auth';
import { validateData } from '@mp/contracts';
import { declineRequestOf } from '../decline-request/decline-request.body';
import { approveRequestOf } from './approve-request.body';

const admin: Principal = { sub: 'u-admin', role: 'customer-admin', customerId: 'cust-a' };
const reseller: Principal = { sub: 'u-agent', role: 'reseller', partnerId: 'p-1' };

describe('POST /v1/requests/{requestId}/approve and /decline -> ApproveRequest, DeclineRequest', () => {
  it('approves for the token\'s customer (the command\'s key) as the token\'s user', () => {
    const data = approveRequestOf(admin, 'r-1', { grantDelegatedAdmin: false });
    expect(data).toEqual({ requestId: 'r-1', customerId: 'cust-a', approvedBy: { userId: 'u-admin' }, grantDelegatedAdmin: false });
    expect(validateData('ApproveRequest', data).ok).toBe(true);
    expect(approveRequestOf(admin, 'r-1', undefined)).toEqual({ requestId: 'r-1', customerId: 'cust-a', approvedBy: { userId: 'u-admin' } });
  });

  it('declines for the token\'s customer with the reason given', () => {
    const data = declineRequestOf(admin, 'r-1', { reason: 'not now' });
    expect(data).toEqual({ requestId: 'r-1', customerId: 'cust-a', declinedBy: { userId: 'u-admin' }, reason: 'not now' });
    expect(validateData('DeclineRequest', data).ok).toBe(true);
  });

  it('refuses a reseller (403), an admin naming another customer (403), and a body naming the approver (400)', () => {
    for (const command of [approveRequestOf, declineRequestOf]) {
      expect(() => command(reseller, 'r-1', {})).toThrow(expect.objectContaining({ status: 403 }));
      expect(() => command(admin, 'r-1', { customerId: 'cust-b' })).toThrow(expect.objectContaining({ status: 403 }));
      expect(command(admin, 'r-1', { customerId: 'cust-a' })).toMatchObject({ customerId: 'cust-a' });
    }
    expect(() => approveRequestOf(admin, 'r-1', { approvedBy: { userId: 'u-admin' } })).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => declineRequestOf(admin, 'r-1', { declinedBy: { userId: 'u-admin' } })).toThrow(expect.objectContaining({ status: 400 }));
  });
});
