import type { LookupAddress } from 'node:dns';
import { guardedLookup, Resolver, WebhookTargetRefused } from './webhook-request';

// The lookup alone, over a resolver of the test's own: no name is looked up and no socket is opened.

/** A resolver answering from a table, counting the questions. */
function resolverOf(table: Record<string, LookupAddress[]>) {
  const asked: string[] = [];
  const resolve: Resolver = (hostname, _options, callback) => {
    asked.push(hostname);
    const addresses = table[hostname];
    queueMicrotask(() => (addresses ? callback(null, addresses) : callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), [])));
  };
  return { resolve, asked };
}

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const v6 = (address: string): LookupAddress => ({ address, family: 6 });

/** Calls the lookup as a socket does, and gives back what it answered. */
function lookUp(lookup: ReturnType<typeof guardedLookup>, hostname: string, all: boolean) {
  return new Promise<{ error: Error | null; address: string | LookupAddress[]; family?: number }>((resolve) => {
    (lookup as (h: string, o: object, cb: (e: Error | null, a: string | LookupAddress[], f?: number) => void) => void)(hostname, { all }, (error, address, family) =>
      resolve({ error, address, family }),
    );
  });
}

describe('the guarded lookup of the webhook sockets', () => {
  const table = {
    'hooks.partner.test': [v4('8.8.4.4'), v6('2001:4860:4860::8844')],
    'rebound.test': [v4('127.0.0.1')],
    'mixed.test': [v4('8.8.4.4'), v4('10.0.0.7')],
    'metadata.test': [v4('169.254.169.254')],
    'mapped.test': [v6('::ffff:127.0.0.1')],
    'inside.test': [v6('fd00::1')],
    'allowed.test': [v4('127.0.0.1')],
  };

  it('hands the socket exactly the addresses it checked, in the form asked for, after one question', async () => {
    const { resolve, asked } = resolverOf(table);
    const lookup = guardedLookup(new Set(), resolve);
    expect(await lookUp(lookup, 'hooks.partner.test', true)).toEqual({ error: null, address: table['hooks.partner.test'] });
    expect(await lookUp(lookup, 'hooks.partner.test', false)).toEqual({ error: null, address: '8.8.4.4', family: 4 });
    expect(asked).toEqual(['hooks.partner.test', 'hooks.partner.test']);
  });

  it.each([
    ['rebound.test', /rebound\.test resolves to 127\.0\.0\.1, and 127\.0\.0\.1 is a loopback address/],
    ['mixed.test', /mixed\.test resolves to 10\.0\.0\.7, and 10\.0\.0\.7 is a private address/],
    ['metadata.test', /resolves to 169\.254\.169\.254, and 169\.254\.169\.254 is the cloud metadata address/],
    ['mapped.test', /resolves to ::ffff:127\.0\.0\.1, and ::ffff:127\.0\.0\.1 is an IPv4-mapped IPv6 address .* of 127\.0\.0\.1, a loopback/],
    ['inside.test', /resolves to fd00::1, and fd00::1 is a unique-local address/],
  ])('refuses %s, giving the socket no address at all', async (hostname, why) => {
    const { resolve } = resolverOf(table);
    for (const all of [true, false]) {
      const { error, address } = await lookUp(guardedLookup(new Set(), resolve), hostname, all);
      expect(error).toBeInstanceOf(WebhookTargetRefused);
      expect(error?.message).toMatch(why);
      expect(address).toEqual([]);
    }
  });

  it('does not check the addresses of an allow-listed host', async () => {
    const { resolve } = resolverOf(table);
    expect(await lookUp(guardedLookup(new Set(['allowed.test']), resolve), 'allowed.test', false)).toEqual({ error: null, address: '127.0.0.1', family: 4 });
  });

  it("passes the resolver's own failure on", async () => {
    const { resolve } = resolverOf(table);
    const { error } = await lookUp(guardedLookup(new Set(), resolve), 'nowhere.test', false);
    expect(error).not.toBeInstanceOf(WebhookTargetRefused);
    expect(error).toMatchObject({ code: 'ENOTFOUND' });
  });
});
