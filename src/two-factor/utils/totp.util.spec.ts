import { describe, expect, it } from 'vitest';
import { generateTotpSecret, matchTotpStep, normaliseTotpCode, totpCodeAt, totpUri } from './totp.util';

/** RFC 6238 appendix B: the SHA-1 seed "12345678901234567890" in base32, and its 8-digit vectors' last 6 digits. */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC_VECTORS: Array<[number, string]> = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
];

describe('TOTP', () => {
  it.each(RFC_VECTORS)('reproduces the RFC 6238 SHA-1 vector at t=%i', (time, code) => {
    expect(totpCodeAt(RFC_SECRET, time)).toBe(code);
    expect(matchTotpStep(RFC_SECRET, code, time)).toBe(Math.floor(time / 30));
  });

  it('makes 160-bit base32 secrets, different every time', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(generateTotpSecret()).not.toBe(secret);
  });

  it('accepts the current step and one on either side, nothing further', () => {
    const secret = generateTotpSecret();
    const now = 1_800_000_000; // the start of a step
    const step = now / 30;
    expect(matchTotpStep(secret, totpCodeAt(secret, now), now)).toBe(step);
    expect(matchTotpStep(secret, totpCodeAt(secret, now - 30), now)).toBe(step - 1);
    expect(matchTotpStep(secret, totpCodeAt(secret, now + 30), now)).toBe(step + 1);
    expect(matchTotpStep(secret, totpCodeAt(secret, now - 60), now)).toBeNull();
    expect(matchTotpStep(secret, totpCodeAt(secret, now + 60), now)).toBeNull();
  });

  it('refuses anything that is not six digits before doing any crypto', () => {
    expect(normaliseTotpCode('123 456')).toBe('123456');
    for (const bad of ['', '12345', '1234567', 'abcdef', '12345x', "1' OR 1=1", '１２３４５６']) {
      expect(normaliseTotpCode(bad)).toBeNull();
      expect(matchTotpStep(RFC_SECRET, bad, 59)).toBeNull();
    }
  });

  it('builds the otpauth URI that authenticator apps read', () => {
    expect(totpUri('DFINERY', 'ada@example.com', 'JBSWY3DPEHPK3PXP')).toBe(
      'otpauth://totp/DFINERY:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=DFINERY&algorithm=SHA1&digits=6&period=30',
    );
    expect(totpUri('My Co', 'a b@x.io', 'ABC')).toBe('otpauth://totp/My%20Co:a%20b%40x.io?secret=ABC&issuer=My%20Co&algorithm=SHA1&digits=6&period=30');
  });
});
