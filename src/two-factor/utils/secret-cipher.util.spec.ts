import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, hmacCode, keyId, needsReencryption, SecretDecryptionError } from './secret-cipher.util';

const key = randomBytes(32);
const keys = new Map([[keyId(key), key]]);
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('secret cipher', () => {
  it('round-trips and never stores the plaintext', () => {
    const stored = encryptSecret(SECRET, key, 'user-1');
    expect(stored).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(stored).not.toContain(SECRET);
    expect(decryptSecret(stored, keys, 'user-1')).toBe(SECRET);
  });

  it('uses a fresh IV each time', () => {
    expect(encryptSecret(SECRET, key, 'user-1')).not.toBe(encryptSecret(SECRET, key, 'user-1'));
  });

  it('refuses a ciphertext moved to another owner, tampered with, or made with an unknown key', () => {
    const stored = encryptSecret(SECRET, key, 'user-1');
    expect(() => decryptSecret(stored, keys, 'user-2')).toThrow(SecretDecryptionError);
    const parts = stored.split('.');
    parts[3] = Buffer.from('tampered-ciphertext-bytes').toString('base64url');
    expect(() => decryptSecret(parts.join('.'), keys, 'user-1')).toThrow(SecretDecryptionError);
    const otherKey = randomBytes(32);
    expect(() => decryptSecret(encryptSecret(SECRET, otherKey, 'user-1'), keys, 'user-1')).toThrow(/not configured/);
    expect(() => decryptSecret('plaintext', keys, 'user-1')).toThrow(/unknown format/);
  });

  it('decrypts with a previous key after rotation and says it needs re-encryption', () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const stored = encryptSecret(SECRET, oldKey, 'user-1');
    const rotated = new Map([[keyId(newKey), newKey], [keyId(oldKey), oldKey]]);
    expect(decryptSecret(stored, rotated, 'user-1')).toBe(SECRET);
    expect(needsReencryption(stored, newKey)).toBe(true);
    expect(needsReencryption(encryptSecret(SECRET, newKey, 'user-1'), newKey)).toBe(false);
  });

  it('keys short codes with HMAC, bound to their owner', () => {
    const a = hmacCode('123456', key, 'user-1');
    expect(a.equals(hmacCode('123456', key, 'user-1'))).toBe(true);
    expect(a.equals(hmacCode('123456', key, 'user-2'))).toBe(false);
    expect(a.equals(hmacCode('123457', key, 'user-1'))).toBe(false);
    expect(a.equals(hmacCode('123456', randomBytes(32), 'user-1'))).toBe(false);
  });
});
