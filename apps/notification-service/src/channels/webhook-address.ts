import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where a webhook may go (DESIGN §10), decided without any network traffic: pure functions over
 * a URL and over the addresses a name resolved to. Only `https:` to public unicast addresses,
 * unless the host is in `WEBHOOK_ALLOWED_HOSTS` (which also allows plain `http:`). The socket
 * side (`webhook-request.ts`) checks the address it is about to connect to with `classifyAddress`.
 */

/** Whether an address may be connected to, and when not, why, in words an operator reads. */
export type AddressVerdict = { allowed: true } | { allowed: false; why: string };

/** A webhook URL checked before any lookup: refused, or the host to connect to. */
export type TargetVerdict =
  | { allowed: true; url: URL; host: string; allowListed: boolean }
  | { allowed: false; why: string };

/** Where the cloud providers answer instance metadata (credentials included): named as such in a refusal. */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200']);

const IPV4_RANGES: Record<string, string> = {
  unspecified: 'an unspecified ("this network") address (0.0.0.0/8)',
  broadcast: 'the broadcast address (255.255.255.255)',
  multicast: 'a multicast address (224.0.0.0/4)',
  linkLocal: 'a link-local address (169.254.0.0/16)',
  loopback: 'a loopback address (127.0.0.0/8)',
  carrierGradeNat: 'a carrier-grade NAT shared address (100.64.0.0/10)',
  private: 'a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)',
  reserved: 'a reserved address (protocol assignments, documentation, benchmarking or future use)',
};

const IPV6_RANGES: Record<string, string> = {
  unspecified: 'the unspecified address (::)',
  loopback: 'the loopback address (::1)',
  linkLocal: 'a link-local address (fe80::/10)',
  uniqueLocal: 'a unique-local address (fc00::/7)',
  multicast: 'a multicast address (ff00::/8)',
  deprecatedSiteLocal: 'a site-local address (fec0::/10, deprecated)',
  teredo: 'a Teredo tunnel address (2001::/32)',
  reserved: 'a reserved address (documentation or future use)',
};

/** The IPv6 forms that carry an IPv4 address: judged by the IPv4 address they reach. */
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');

/**
 * Classifies one IP address as written by a resolver or a URL (`127.0.0.1`, `::ffff:7f00:1`,
 * with or without brackets). Allowed: public IPv4 unicast, and IPv6 global unicast (2000::/3);
 * an IPv6 form of an IPv4 address (IPv4-mapped, SIIT, NAT64 64:ff9b::/96, 6to4) is judged by the
 * IPv4 address it carries. Everything else is refused, with the range named.
 */
export function classifyAddress(text: string): AddressVerdict {
  const written = text.replace(/^\[(.*)\]$/, '$1');
  if (!isIP(written.replace(/%.*$/, ''))) return { allowed: false, why: `${written} is not an IP address` };
  const address = ipaddr.parse(written);
  if (address.kind() === 'ipv4') return classifyIPv4(address as ipaddr.IPv4, written);
  return classifyIPv6(address as ipaddr.IPv6, written);
}

function classifyIPv4(address: ipaddr.IPv4, written: string): AddressVerdict {
  const range = ipv4RangeOf(address);
  return range ? { allowed: false, why: `${written} is ${range}` } : { allowed: true };
}

/** What an IPv4 address is, in words, when it is not public unicast. */
function ipv4RangeOf(address: ipaddr.IPv4): string | undefined {
  const range = address.range();
  return range === 'unicast' ? undefined : describe(address.toString(), IPV4_RANGES[range] ?? `a special-purpose address (${range})`);
}

function classifyIPv6(address: ipaddr.IPv6, written: string): AddressVerdict {
  const embedded = embeddedIPv4(address);
  if (embedded) {
    const range = ipv4RangeOf(embedded.ipv4);
    return range ? { allowed: false, why: `${written} is ${embedded.form} of ${embedded.ipv4.toString()}, ${range}` } : { allowed: true };
  }
  const range = address.range();
  if (range !== 'unicast') return { allowed: false, why: `${written} is ${describe(address.toString(), IPV6_RANGES[range] ?? `a special-purpose address (${range})`)}` };
  if (address.match(IPV4_COMPATIBLE)) {
    return { allowed: false, why: `${written} is an IPv4-compatible IPv6 address (::/96, deprecated) of ${ipv4Of(address.parts[6], address.parts[7])}` };
  }
  if (!address.match(GLOBAL_UNICAST)) return { allowed: false, why: `${written} is not a global unicast address (outside 2000::/3)` };
  return { allowed: true };
}

/** The IPv4 address an IPv6 address stands for, and the name of the form, when it is one of those. */
function embeddedIPv4(address: ipaddr.IPv6): { ipv4: ipaddr.IPv4; form: string } | undefined {
  const [, p1, p2, , , , p6, p7] = address.parts;
  switch (address.range()) {
    case 'ipv4Mapped':
      return { ipv4: address.toIPv4Address(), form: 'an IPv4-mapped IPv6 address (::ffff:0:0/96)' };
    case 'rfc6145':
      return { ipv4: ipv4Of(p6, p7), form: 'an IPv4-translated IPv6 address (::ffff:0:0:0/96)' };
    case 'rfc6052':
      // Only the well-known prefix carries the IPv4 address at its end; 64:ff9b:1::/48 is a local NAT64's.
      return address.match(NAT64_WELL_KNOWN) ? { ipv4: ipv4Of(p6, p7), form: 'a NAT64 address (64:ff9b::/96)' } : undefined;
    case '6to4':
      return { ipv4: ipv4Of(p1, p2), form: 'a 6to4 address (2002::/16)' };
    default:
      return undefined;
  }
}

function ipv4Of(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function describe(normalized: string, range: string): string {
  return METADATA_ADDRESSES.has(normalized) ? `the cloud metadata address, ${range}` : range;
}

/**
 * A host as the allow-list and the checks compare it: what the WHATWG URL parser makes of it
 * (`0x7f000001`, `2130706433`, `0177.0.0.1` and `127.1` are all `127.0.0.1`), lower case,
 * without IPv6 brackets or a trailing dot.
 */
export function normalizeHost(host: string): string {
  const bare = host.trim().replace(/^\[(.*)\]$/, '$1');
  const hostname = new URL(`http://${isIP(bare) === 6 ? `[${bare}]` : bare}/`).hostname;
  return hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

/** `WEBHOOK_ALLOWED_HOSTS` (a comma list of hosts) as the set the checks look in. */
export function allowedHostsOf(list: string | undefined): ReadonlySet<string> {
  const entries = (list ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  return new Set(
    entries.map((entry) => {
      try {
        return normalizeHost(entry);
      } catch {
        throw new Error(`WEBHOOK_ALLOWED_HOSTS: ${JSON.stringify(entry)} is not a host name or an IP address`);
      }
    }),
  );
}

/** Names that always mean this machine (RFC 6761): refused without asking a resolver. */
function isLocalhostName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

/**
 * What can be told of a webhook URL before any lookup: its scheme, whether its host is
 * allow-listed, and, when the host is an IP address (in any form the URL parser accepts), that
 * address's class. A name that is not allow-listed is checked again on the addresses it resolves
 * to, when the connection is made.
 */
export function checkWebhookTarget(target: string, allowedHosts: ReadonlySet<string>): TargetVerdict {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return { allowed: false, why: `${JSON.stringify(target)} is not a URL` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { allowed: false, why: `${url.protocol} is not a webhook scheme: only https: (and http: to a host in WEBHOOK_ALLOWED_HOSTS)` };
  const host = normalizeHost(url.hostname);
  if (allowedHosts.has(host)) return { allowed: true, url, host, allowListed: true };
  if (isIP(host)) {
    const verdict = classifyAddress(host);
    if (!verdict.allowed) return verdict;
  } else if (isLocalhostName(host)) {
    return { allowed: false, why: `${host} is a name of this machine (loopback)` };
  }
  if (url.protocol !== 'https:') return { allowed: false, why: `plain http: is allowed only to the hosts in WEBHOOK_ALLOWED_HOSTS, not to ${host}: use https:` };
  return { allowed: true, url, host, allowListed: false };
}
