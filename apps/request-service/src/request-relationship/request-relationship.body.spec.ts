import type { Principal } from '@mp/auth';
import { validateData } from '@mp/contracts';
import { requestRelationshipOf } from './request-relationship.body';

const reseller: Principal = { sub: 'u-agent', role: 'reseller', partnerId: 'p-1' };
const body = { requestId: 'r-1', customerId: 'cust-a', services: ['Azure'], delegatedAdmin: { roles: ['AdminAgent'], durationDays: 90, autoExtend: false } };

describe('POST /v1/requests -> RequestRelationship', () => {
  it('is the reseller\'s own request, made by the token\'s user, and passes the contract as it is', () => {
    const data = requestRelationshipOf(reseller, body);
    expect(data).toEqual({ ...body, resellerId: 'p-1', requestedBy: { userId: 'u-agent' } });
    expect(validateData('RequestRelationship', data).ok).toBe(true);
  });

  it('accepts the reseller\'s own id in the body, and refuses another reseller\'s with 403', () => {
    expect(requestRelationshipOf(reseller, { ...body, resellerId: 'p-1' })).toMatchObject({ resellerId: 'p-1' });
    expect(() => requestRelationshipOf(reseller, { ...body, resellerId: 'p-2' })).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('refuses a customer admin with 403, and a body naming who requests with 400', () => {
    expect(() => requestRelationshipOf({ sub: 'u', role: 'customer-admin', customerId: 'cust-a' }, body)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => requestRelationshipOf(reseller, { ...body, requestedBy: { userId: 'boss' } })).toThrow(expect.objectContaining({ status: 400 }));
  });
});
