import { hkdfSync } from 'node:crypto';

/**
 * A key of its own for each kind of code hash, derived from ENCRYPTION_KEY with HKDF, so the
 * encryption key is used for one purpose only and a leak of one derived key reveals no other.
 */
export type CodeKeyPurpose = 'email-verification-codes' | 'recovery-codes' | 'rate-limit-keys';

export function deriveCodeKey(encryptionKey: Buffer, purpose: CodeKeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), purpose, 32));
}
