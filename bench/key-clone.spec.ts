import { bytesPerCustomer, clonePlan, commandFor, KeySnapshot, serviceOf } from './key-clone';

describe('copies of a customer\'s keys', () => {
  const keys: KeySnapshot[] = [
    { key: 'p:request:customer:{cust-0}', type: 'hash', args: ['v', '3', 'doc', '{"customerId":"cust-0","requests":{"cust-0-req-0":{}}}'] },
    { key: 'p:request:customer:{cust-0}:seen', type: 'zset', args: ['1700000000000', 'cust-0-e1', '1700000000001', 'cust-0-e2'] },
    { key: 'p:request:due', type: 'zset', args: ['1800000000000', 'cust-0', '1800000000000', 'cust-other'] },
    { key: 'p:directory:reseller-customers:{res-a}', type: 'zset', args: ['0', 'cust-0'] },
    { key: 'p:directory:partner:{res-a}', type: 'hash', args: ['v', '1', 'doc', '{"partnerId":"res-a"}'] },
    { key: 'p:directory:state:generation', type: 'string', args: ['g-1'] },
  ];
  const plan = clonePlan(keys, 'cust-0');

  it('copies the template customer\'s own keys whole, and only its entries of the shared ones', () => {
    expect(plan.own.map((k) => k.key)).toEqual(['p:request:customer:{cust-0}', 'p:request:customer:{cust-0}:seen']);
    expect(plan.shared).toEqual([
      { key: 'p:request:due', type: 'zset', args: ['1800000000000', 'cust-0'] },
      { key: 'p:directory:reseller-customers:{res-a}', type: 'zset', args: ['0', 'cust-0'] },
    ]);
  });

  it('writes a copy with the customer id changed everywhere, by the command of its type', () => {
    expect(commandFor(plan.own[0], 'cust-0', 'cust-7')).toEqual(['hset', 'p:request:customer:{cust-7}', 'v', '3', 'doc', '{"customerId":"cust-7","requests":{"cust-7-req-0":{}}}']);
    expect(commandFor(plan.own[1], 'cust-0', 'cust-7')).toEqual(['zadd', 'p:request:customer:{cust-7}:seen', '1700000000000', 'cust-7-e1', '1700000000001', 'cust-7-e2']);
    expect(commandFor(plan.shared[0], 'cust-0', 'cust-7')).toEqual(['zadd', 'p:request:due', '1800000000000', 'cust-7']);
  });

  it('names the service of a key and divides memory by customers', () => {
    expect(serviceOf('p:notification:delivery-log:{cust-0}', 'p:')).toBe('notification');
    expect(bytesPerCustomer(1_000_000, 8_500_000, 1_000)).toBe(7_500);
    expect(bytesPerCustomer(1, 2, 0)).toBeNaN();
  });
});
