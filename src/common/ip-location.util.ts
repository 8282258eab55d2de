import geoip from 'fast-geoip';
import ipaddr from 'ipaddr.js';

/**
 * The approximate place of a client address, from the offline database that the fast-geoip package
 * ships (GeoLite2 data split into small files, read from disk per lookup): about 10 MiB of memory,
 * where geoip-lite keeps ~110 MiB of city data in memory for the life of the process. Its data is
 * IPv4 only, so an IPv6 client has no place (an IPv4-mapped one is read as IPv4).
 */

/** The IPv4 address a lookup may be made for; null for private, loopback, reserved, IPv6 or malformed addresses. */
export function locatableIpv4(address: string | null | undefined): string | null {
  if (!address || !ipaddr.isValid(address)) return null;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (!v6.isIPv4MappedAddress()) return null;
    parsed = v6.toIPv4Address();
  }
  return parsed.range() === 'unicast' ? parsed.toString() : null;
}

/** 'Seoul, KR': the city and the country code, the country code alone without a city, null without a country. */
export function formatLocation(found: { city?: string | null; country?: string | null } | null | undefined): string | null {
  const country = found?.country?.trim();
  if (!country) return null;
  const city = found?.city?.trim();
  return (city ? `${city}, ${country}` : country).slice(0, 200);
}

/** Lookups kept per process, so a list of events from the same few addresses reads the disk once per address. */
const CACHE_SIZE = 1_000;
const cache = new Map<string, Promise<string | null>>();

/** Session.location and SecurityEvent.location: the place of `address`, or null (see locatableIpv4). Never throws. */
export function locationOf(address: string | null | undefined): Promise<string | null> {
  const ipv4 = locatableIpv4(address);
  if (!ipv4) return Promise.resolve(null);
  let found = cache.get(ipv4);
  if (!found) {
    found = geoip.lookup(ipv4).then(formatLocation, () => null);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(ipv4, found);
  }
  return found;
}
