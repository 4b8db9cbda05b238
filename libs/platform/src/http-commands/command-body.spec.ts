import type { Principal } from '@mp/auth';
import { HttpException } from '@nestjs/common';
import { adminOfCustomer, commandBody, customerAdminOf, resellerOf, sameParty } from './command-body';

const admin: Principal = { sub: 'u-admin', role: 'customer-admin', customerId: 'cust-a' };
const reseller: Principal = { sub: 'u-agent', role: 'reseller', partnerId: 'p-1' };
const ops: Principal = { sub: 'ops', role: 'ops' };

/** The status and body of what `run` throws. */
function refusal(run: () => unknown): { status: number; body: any } {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpException) return { status: error.getStatus(), body: error.getResponse() };
    throw error;
  }
  throw new Error('nothing was thrown');
}

describe('command bodies: the acting user and party are the token\'s', () => {
  it('takes a JSON object, and no body as an empty one', () => {
    expect(commandBody({ reason: 'x' })).toEqual({ reason: 'x' });
    expect(commandBody(undefined)).toEqual({});
  });

  it.each([[[]], ['text'], [null], [7]])('refuses %j as a body with 400', (body) => {
    expect(refusal(() => commandBody(body))).toEqual({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: 'the body must be a JSON object', details: [{ field: '', constraints: ['the body must be a JSON object'] }] } });
  });

  it.each(['requestedBy', 'cancelledBy', 'approvedBy', 'declinedBy', 'endedBy', 'revokedBy'])('refuses a body that names the acting user in %s, with 400 saying why', (field) => {
    const { status, body } = refusal(() => commandBody({ [field]: { userId: 'someone-else' } }));
    expect(status).toBe(400);
    expect(body.details).toEqual([{ field, constraints: ['must not be given: the acting user is the token\'s "sub"'] }]);
  });

  it('refuses a body that names an id the path names, with 400', () => {
    const { status, body } = refusal(() => commandBody({ requestId: 'r-2', approvedBy: { userId: 'x' } }, ['requestId']));
    expect(status).toBe(400);
    expect(body.details.map((d: { field: string }) => d.field)).toEqual(['approvedBy', 'requestId']);
    expect(body.message).toContain('requestId: must not be given: the path names it');
  });

  it('gives a reseller token\'s partner, and refuses every other token with 403 naming the role', () => {
    expect(resellerOf(reseller, 'request a relationship')).toBe('p-1');
    expect(refusal(() => resellerOf(admin, 'request a relationship'))).toMatchObject({ status: 403, body: { message: 'Only a reseller may request a relationship; this is a customer-admin token.' } });
    expect(refusal(() => resellerOf(ops, 'cancel a request'))).toMatchObject({ status: 403, body: { message: expect.stringContaining('an ops token, which acts for no party') } });
  });

  it('gives a customer-admin token\'s customer, and refuses a reseller with 403', () => {
    expect(customerAdminOf(admin, 'approve a request')).toBe('cust-a');
    expect(refusal(() => customerAdminOf(reseller, 'approve a request'))).toMatchObject({ status: 403, body: { message: 'Only an admin of the customer may approve a request; this is a reseller token.' } });
  });

  it('refuses an admin of customer A acting on customer B with 403', () => {
    expect(() => adminOfCustomer(admin, 'cust-a', 'revoke')).not.toThrow();
    expect(refusal(() => adminOfCustomer(admin, 'cust-b', 'revoke'))).toMatchObject({ status: 403, body: { message: 'This token acts for customer "cust-a", not for customer "cust-b".' } });
  });

  it('lets a body leave out or repeat the token\'s party, and refuses another party with 403 (a value of the wrong type with 400)', () => {
    expect(() => sameParty({}, 'resellerId', 'p-1')).not.toThrow();
    expect(() => sameParty({ resellerId: 'p-1' }, 'resellerId', 'p-1')).not.toThrow();
    expect(refusal(() => sameParty({ resellerId: 'p-2' }, 'resellerId', 'p-1'))).toMatchObject({ status: 403, body: { message: expect.stringContaining('acts for reseller "p-1"') } });
    expect(refusal(() => sameParty({ customerId: 'cust-b' }, 'customerId', 'cust-a'))).toMatchObject({ status: 403 });
    expect(refusal(() => sameParty({ customerId: 5 }, 'customerId', 'cust-a'))).toMatchObject({ status: 400, body: { details: [{ field: 'customerId', constraints: ['customerId must be a string'] }] } });
  });
});
