import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key a per-address limit counts under. An IPv4 client is its address; an IPv6 client is its
 * /64, because one subscriber is routinely handed a whole /64 and could otherwise rotate through
 * 2^64 addresses to dodge the limit. IPv4 written as IPv6 ("::ffff:10.0.0.1") counts as IPv4.
 */
export function clientAddressKey(ip: string | undefined | null): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIPv4(ip)) return ip;
  const address = ip.replace(/%.*$/, ''); // a zone id ("fe80::1%eth0") names the interface, not the host
  if (!isIPv6(address)) return 'unknown';
  const groups = expandIPv6(address).slice(0, 4);
  return `${groups.join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, in lower-case hex without leading zeros. */
function expandIPv6(address: string): string[] {
  // A dotted IPv4 tail ("64:ff9b::192.0.2.1") stands for the last two groups.
  const withoutDottedTail = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_all, a, b, c, d) =>
    `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`);
  const [head = '', tail] = withoutDottedTail.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...(tail === undefined ? [] : zeros), ...right].map((group) => Number.parseInt(group, 16).toString(16));
}
