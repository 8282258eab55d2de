import { createHash, createHmac, randomInt } from 'node:crypto';

/** Crockford's base32 alphabet: no I, L, O or U, so nothing reads as something else. Ten symbols carry 50 bits. */
export const RECOVERY_CODE_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
export const RECOVERY_CODE_LENGTH = 10;
export const RECOVERY_CODES_PER_SET = 10;

/** A fresh code, shown as `xxxxx-xxxxx`. */
export function generateRecoveryCode(): string {
  let code = '';
  for (let i = 0; i < RECOVERY_CODE_LENGTH; i++) code += RECOVERY_CODE_ALPHABET[randomInt(RECOVERY_CODE_ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

export function generateRecoveryCodeSet(): string[] {
  const codes = new Set<string>();
  while (codes.size < RECOVERY_CODES_PER_SET) codes.add(generateRecoveryCode());
  return [...codes];
}

/**
 * What the user typed, in the canonical form: any case, with or without the dash or spaces, and the
 * letters people confuse with digits read as those digits. Null when it cannot be a code.
 */
export function normaliseRecoveryCode(input: string): string | null {
  if (input.length > 32) return null;
  const canonical = input
    .toLowerCase()
    .replace(/[\s-]/g, '')
    .replace(/o/g, '0')
    .replace(/[il]/g, '1');
  return canonical.length === RECOVERY_CODE_LENGTH && [...canonical].every((c) => RECOVERY_CODE_ALPHABET.includes(c)) ? canonical : null;
}

/** How a stored hash was made: the column `hash_version`. */
export enum RecoveryCodeHashVersion {
  /** Plain SHA-256 of the canonical code, as stored before keyed hashes: crackable from a database copy (50 bits). */
  LEGACY_SHA256 = 1,
  /** HMAC-SHA-256 under the recovery-code key, over the user id and the SHA-256 of the code. */
  KEYED = 2,
}

/** The legacy hash, still needed to recognise (and re-key) rows written before keyed hashes. */
export function legacyRecoveryCodeHash(canonical: string): Buffer {
  return createHash('sha256').update(canonical, 'utf8').digest();
}

/**
 * The stored hash: keyed (a database copy alone cannot be searched) and bound to the user (one pass
 * over the code space cannot test every user's codes at once). It wraps the legacy SHA-256, so rows
 * stored before keyed hashes are re-keyed from what is stored, without the codes.
 */
export function keyedRecoveryCodeHash(canonical: string, userId: string, key: Buffer): Buffer {
  return rekeyLegacyRecoveryCodeHash(legacyRecoveryCodeHash(canonical), userId, key);
}

export function rekeyLegacyRecoveryCodeHash(legacyHash: Buffer, userId: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(`${userId}:`, 'utf8').update(legacyHash).digest();
}
