import { describe, expect, it } from 'vitest';
import { formatLocation, locatableIpv4, locationOf } from './ip-location.util';

describe('locatableIpv4', () => {
  it.each(['10.0.0.1', '192.168.1.20', '172.16.5.5', '127.0.0.1', '::1', '169.254.169.254', '100.64.0.1', '0.0.0.0', 'fe80::1', '::ffff:10.0.0.1'])(
    'has no place for the private, loopback or reserved address %s',
    (address) => {
      expect(locatableIpv4(address)).toBeNull();
    },
  );

  it('has none for a missing or malformed address, nor for IPv6 (the database is IPv4 only)', () => {
    for (const address of [null, undefined, '', 'not an address', '300.1.1.1', '2001:4860:4860::8888']) expect(locatableIpv4(address)).toBeNull();
  });

  it('looks up a public IPv4 address, also when Node shows it IPv4-mapped', () => {
    expect(locatableIpv4('8.8.8.8')).toBe('8.8.8.8');
    expect(locatableIpv4('::ffff:8.8.8.8')).toBe('8.8.8.8');
  });
});

describe('formatLocation', () => {
  it('says the city and the country code', () => {
    expect(formatLocation({ city: 'Seoul', country: 'KR' })).toBe('Seoul, KR');
  });

  it('says the country code alone when there is no city', () => {
    expect(formatLocation({ city: '', country: 'US' })).toBe('US');
  });

  it('has no place without a country', () => {
    expect(formatLocation({ city: 'Nowhere', country: '' })).toBeNull();
    expect(formatLocation(null)).toBeNull();
  });
});

describe('locationOf', () => {
  it('reads the shipped database, and has no place for a private address', async () => {
    expect(await locationOf('8.8.8.8')).toBe('US');
    expect(await locationOf('211.234.10.10')).toMatch(/^[^,]+, KR$/);
    expect(await locationOf('192.168.0.1')).toBeNull();
  });
});
