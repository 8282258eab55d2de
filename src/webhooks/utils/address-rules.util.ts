import ipaddr from 'ipaddr.js';

/** Cloud metadata services: refused even when private networks are allowed (they hand out credentials). */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254']);

/** Ranges a development setup may reach when WEBHOOK_ALLOW_PRIVATE_NETWORKS=true; every other non-public range stays refused. */
const PRIVATE_RANGES = new Set(['loopback', 'private', 'linkLocal', 'uniqueLocal', 'carrierGradeNat']);

/**
 * Why a webhook may not be sent to `address` (an IPv4 or IPv6 literal), or null when it may.
 * Public unicast addresses pass; the private ranges pass only when `allowPrivate`; metadata
 * addresses, multicast, broadcast, unspecified and reserved ranges never do.
 */
export function addressRefusal(address: string, allowPrivate: boolean): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  let parsed = ipaddr.parse(address);
  // ::ffff:127.0.0.1 reaches 127.0.0.1: judge the IPv4 address it carries.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  if (METADATA_ADDRESSES.has(parsed.toString())) return `${address} is a cloud metadata address`;
  const range = parsed.range();
  if (range === 'unicast') return null;
  if (allowPrivate && PRIVATE_RANGES.has(range)) return null;
  return `${address} is a ${range} address`;
}

/**
 * The URL rule before any address is looked at: https only, http too where private networks are
 * allowed (development); no credentials in the URL. A problem in words, or null.
 */
export function urlProblem(text: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute URL such as https://hooks.example.com/security';
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    return allowPrivate ? 'must start with https:// or http://' : 'must start with https://';
  }
  if (url.username || url.password) return 'must not contain a user name or password';
  return null;
}
