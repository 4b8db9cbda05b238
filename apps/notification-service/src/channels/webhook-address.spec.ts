import { allowedHostsOf, checkWebhookTarget, classifyAddress, normalizeHost } from './webhook-address';

// Pure functions: no socket is opened and no name is looked up anywhere in this file.

const refusal = (address: string) => {
  const verdict = classifyAddress(address);
  return verdict.allowed ? 'allowed' : verdict.why;
};

describe('webhook address classifier', () => {
  it.each([
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /unspecified/],
    ['10.0.0.1', /private/],
    ['10.255.255.255', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.254', /private/],
    ['192.168.0.1', /private/],
    ['192.168.255.255', /private/],
    ['127.0.0.1', /loopback address \(127\.0\.0\.0\/8\)/],
    ['127.1.2.3', /loopback/],
    ['127.255.255.254', /loopback/],
    ['169.254.0.1', /link-local address \(169\.254\.0\.0\/16\)/],
    ['169.254.169.254', /cloud metadata address, a link-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.254', /carrier-grade NAT/],
    ['100.100.100.200', /cloud metadata address, a carrier-grade NAT/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['192.0.2.10', /reserved/], // TEST-NET-1, documentation
    ['198.51.100.10', /reserved/], // TEST-NET-2
    ['203.0.113.10', /reserved/], // TEST-NET-3
    ['198.18.0.1', /reserved/], // benchmarking
    ['192.0.0.8', /reserved/], // IETF protocol assignments
    ['240.0.0.1', /reserved/], // future use
  ])('refuses the IPv4 address %s', (address, why) => {
    expect(refusal(address)).toMatch(why);
  });

  it.each([
    ['::', /unspecified/],
    ['::1', /loopback address \(::1\)/],
    ['[::1]', /loopback/],
    ['fe80::1', /link-local address \(fe80::\/10\)/],
    ['febf::1', /link-local/],
    ['fc00::1', /unique-local address \(fc00::\/7\)/],
    ['fd12:3456::1', /unique-local/],
    ['fd00:ec2::254', /cloud metadata address, a unique-local/],
    ['ff02::1', /multicast/],
    ['fec0::1', /site-local/],
    ['2001:db8::1', /reserved/], // documentation
    ['2001::1', /Teredo/],
    ['100::1', /special-purpose/], // discard-only
    ['4000::1', /outside 2000::\/3/],
    ['64:ff9b:1::1', /special-purpose|outside/], // local-use NAT64: no IPv4 address to judge
  ])('refuses the IPv6 address %s', (address, why) => {
    expect(refusal(address)).toMatch(why);
  });

  it.each([
    ['::ffff:127.0.0.1', /IPv4-mapped IPv6 address .* of 127\.0\.0\.1, a loopback/],
    ['::ffff:7f00:1', /IPv4-mapped .* of 127\.0\.0\.1, a loopback/],
    ['[::ffff:7f00:1]', /IPv4-mapped .* of 127\.0\.0\.1/],
    ['0:0:0:0:0:ffff:a00:1', /IPv4-mapped .* of 10\.0\.0\.1, a private/],
    ['::ffff:169.254.169.254', /IPv4-mapped .* of 169\.254\.169\.254, the cloud metadata address/],
    ['::ffff:0:7f00:1', /IPv4-translated .* of 127\.0\.0\.1/],
    ['::7f00:1', /IPv4-compatible .* of 127\.0\.0\.1/],
    ['::808:808', /IPv4-compatible/], // deprecated whatever it carries
    ['64:ff9b::7f00:1', /NAT64 .* of 127\.0\.0\.1, a loopback/],
    ['64:ff9b::a9fe:a9fe', /NAT64 .* of 169\.254\.169\.254/],
    ['2002:7f00:1::1', /6to4 .* of 127\.0\.0\.1/],
    ['2002:c0a8:101::1', /6to4 .* of 192\.168\.1\.1, a private/],
  ])('judges %s by the IPv4 address it carries', (address, why) => {
    expect(refusal(address)).toMatch(why);
  });

  it.each(['8.8.8.8', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '2a00:1450::1', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    'allows the public address %s',
    (address) => {
      expect(classifyAddress(address)).toEqual({ allowed: true });
    },
  );

  it('refuses what is not an IP address', () => {
    expect(refusal('example.com')).toMatch(/not an IP address/);
    expect(refusal('')).toMatch(/not an IP address/);
  });
});

describe('webhook URL check (before any lookup)', () => {
  const none = new Set<string>();
  const why = (url: string, allowed: ReadonlySet<string> = none) => {
    const verdict = checkWebhookTarget(url, allowed);
    return verdict.allowed ? 'allowed' : verdict.why;
  };

  // What the WHATWG URL parser, which every check here goes through, makes of each form of loopback.
  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://017700000001/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://127.0.0.1./', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', '[::ffff:7f00:1]'],
  ])('new URL(%s).hostname is %s', (url, hostname) => {
    expect(new URL(url).hostname).toBe(hostname);
  });

  it.each([
    'https://2130706433/hook',
    'https://0x7f000001/hook',
    'https://0177.0.0.1/hook',
    'https://127.1/hook',
    'https://127.1.2.3:8443/hook',
    'http://[::ffff:127.0.0.1]:8080/hook',
    'https://[::1]/hook',
  ])('refuses the loopback form %s', (url) => {
    expect(why(url)).toMatch(/loopback/);
  });

  it.each([
    ['https://169.254.169.254/latest/meta-data/', /cloud metadata/],
    ['https://[fd00:ec2::254]/', /cloud metadata/],
    ['https://10.1.2.3/hook', /private/],
    ['https://[fe80::1]/hook', /link-local/],
    ['https://100.64.1.1/hook', /carrier-grade NAT/],
    ['https://0.0.0.0/hook', /unspecified/],
    ['https://localhost/hook', /name of this machine/],
    ['https://LOCALHOST./hook', /name of this machine/],
    ['https://api.localhost/hook', /name of this machine/],
  ])('refuses %s', (url, reason) => {
    expect(why(url)).toMatch(reason);
  });

  it('refuses plain http: and other schemes unless the host is allow-listed', () => {
    expect(why('http://hooks.example.com/x')).toMatch(/plain http: is allowed only to the hosts in WEBHOOK_ALLOWED_HOSTS/);
    expect(why('ftp://hooks.example.com/x')).toMatch(/ftp: is not a webhook scheme/);
    expect(why('file:///etc/passwd')).toMatch(/file: is not a webhook scheme/);
    expect(why('not a url')).toMatch(/is not a URL/);
  });

  it('lets https: to a name through, to be checked again on the addresses it resolves to', () => {
    expect(checkWebhookTarget('https://hooks.example.com/x?token=1', none)).toMatchObject({ allowed: true, host: 'hooks.example.com', allowListed: false });
  });

  it('lets an allow-listed host through, plain http: included, and only that host', () => {
    const allowed = allowedHostsOf(' 127.0.0.1 , LocalHost,::1');
    expect([...allowed]).toEqual(['127.0.0.1', 'localhost', '::1']);
    expect(checkWebhookTarget('http://127.0.0.1:3000/x', allowed)).toMatchObject({ allowed: true, host: '127.0.0.1', allowListed: true });
    expect(checkWebhookTarget('http://localhost:3000/x', allowed)).toMatchObject({ allowed: true, allowListed: true });
    expect(checkWebhookTarget('http://[::1]:3000/x', allowed)).toMatchObject({ allowed: true, host: '::1', allowListed: true });
    // The same address written another way is the same host once parsed; another address is not.
    expect(checkWebhookTarget('http://0x7f000001:3000/x', allowed)).toMatchObject({ allowed: true, host: '127.0.0.1' });
    expect(why('http://127.0.0.2:3000/x', allowed)).toMatch(/loopback/);
    expect(why('http://[::ffff:127.0.0.1]:3000/x', allowed)).toMatch(/IPv4-mapped/);
    expect(why('gopher://127.0.0.1/x', allowed)).toMatch(/not a webhook scheme/);
  });

  it('normalizes hosts as the URL parser does', () => {
    expect(normalizeHost('0x7f000001')).toBe('127.0.0.1');
    expect(normalizeHost('[::FFFF:127.0.0.1]')).toBe('::ffff:7f00:1');
    expect(normalizeHost('Hooks.Example.COM.')).toBe('hooks.example.com');
    expect(allowedHostsOf('')).toEqual(new Set());
    expect(allowedHostsOf(undefined)).toEqual(new Set());
  });
});
