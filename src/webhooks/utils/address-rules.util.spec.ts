import { describe, expect, it } from 'vitest';
import { addressRefusal, urlProblem } from './address-rules.util';

describe('addressRefusal', () => {
  it('lets public addresses through', () => {
    expect(addressRefusal('93.184.216.34', false)).toBeNull();
    expect(addressRefusal('2606:2800:220:1:248:1893:25c8:1946', false)).toBeNull();
  });

  it('refuses loopback, private, link-local, unique-local and carrier-grade NAT unless private networks are allowed', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.10.10', '100.64.0.1', '::1', 'fe80::1', 'fc00::1', 'fd12:3456::1']) {
      expect(addressRefusal(address, false), address).toMatch(/address$/);
      expect(addressRefusal(address, true), address).toBeNull();
    }
  });

  it('always refuses cloud metadata addresses, in any spelling', () => {
    for (const address of ['169.254.169.254', 'fd00:ec2::254', 'fd00:ec2:0:0:0:0:0:254', '::ffff:169.254.169.254']) {
      expect(addressRefusal(address, true), address).toMatch(/metadata/);
    }
  });

  it('judges an IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
    expect(addressRefusal('::ffff:127.0.0.1', false)).toMatch(/loopback/);
    expect(addressRefusal('::ffff:93.184.216.34', false)).toBeNull();
  });

  it('always refuses unspecified, multicast, broadcast and reserved addresses', () => {
    for (const address of ['0.0.0.0', '::', '224.0.0.1', '255.255.255.255', '240.0.0.1', 'ff02::1']) {
      expect(addressRefusal(address, true), address).not.toBeNull();
    }
  });

  it('says what is not an address', () => {
    expect(addressRefusal('example.com', true)).toMatch(/not an IP address/);
  });
});

describe('urlProblem', () => {
  it('takes https, and http only where private networks are allowed', () => {
    expect(urlProblem('https://hooks.example.com/x', false)).toBeNull();
    expect(urlProblem('http://hooks.example.com/x', false)).toMatch(/https:\/\//);
    expect(urlProblem('http://localhost:8080/x', true)).toBeNull();
  });

  it('refuses other schemes, relative URLs and credentials', () => {
    expect(urlProblem('ftp://hooks.example.com', true)).toMatch(/https:\/\/ or http:\/\//);
    expect(urlProblem('file:///etc/passwd', true)).not.toBeNull();
    expect(urlProblem('/hooks', true)).toMatch(/absolute URL/);
    expect(urlProblem('https://user:pass@hooks.example.com', false)).toMatch(/user name or password/);
  });
});
