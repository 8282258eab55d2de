import { createHash, randomInt } from 'node:crypto';

/**
 * Crockford's base32 alphabet: no I, L, O or U, so nothing reads as something else. Ten symbols carry
 * 50 bits, enough that a plain SHA-256 cannot be reversed by guessing.
 */
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

export function hashRecoveryCode(canonical: string): Buffer {
  return createHash('sha256').update(canonical, 'utf8').digest();
}
