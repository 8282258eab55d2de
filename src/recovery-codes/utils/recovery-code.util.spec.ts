import { describe, expect, it } from 'vitest';
import {
  generateRecoveryCode,
  generateRecoveryCodeSet,
  keyedRecoveryCodeHash,
  legacyRecoveryCodeHash,
  normaliseRecoveryCode,
  rekeyLegacyRecoveryCodeHash,
  RECOVERY_CODE_ALPHABET,
} from './recovery-code.util';

describe('recovery codes', () => {
  it('are ten unambiguous symbols shown as xxxxx-xxxxx', () => {
    for (let i = 0; i < 200; i++) {
      const code = generateRecoveryCode();
      expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
    }
    expect(RECOVERY_CODE_ALPHABET).toHaveLength(32);
    expect(RECOVERY_CODE_ALPHABET).not.toMatch(/[ilou]/);
  });

  it('come in sets of ten distinct codes', () => {
    const set = generateRecoveryCodeSet();
    expect(set).toHaveLength(10);
    expect(new Set(set).size).toBe(10);
  });

  it('are accepted with or without the dash, in any case, with confusable letters read as digits', () => {
    const code = 'ab1c0-de2fg';
    const canonical = 'ab1c0de2fg';
    for (const typed of [code, canonical, code.toUpperCase(), ' AB1C0 DE2FG ', 'abic0-de2fg', 'abIcO-de2fg', 'abLc0-de2fg']) {
      expect(normaliseRecoveryCode(typed)).toBe(canonical);
    }
  });

  it('refuse anything that cannot be a code', () => {
    for (const bad of ['', 'ab1c0-de2f', 'ab1c0-de2fgh', 'ab1c0-de2f!', 'ab1c0-de2fu', "' OR 1=1 --", 'x'.repeat(10_000)]) {
      expect(normaliseRecoveryCode(bad)).toBeNull();
    }
  });

  it('hash under a key and bound to the user, so every way of typing a code matches but a plain hash does not', () => {
    const key = Buffer.alloc(32, 7);
    const a = keyedRecoveryCodeHash(normaliseRecoveryCode('AB1C0-DE2FG')!, 'user-1', key);
    const b = keyedRecoveryCodeHash(normaliseRecoveryCode('ab1c0de2fg')!, 'user-1', key);
    expect(a.equals(b)).toBe(true);
    expect(a).toHaveLength(32);
    expect(a.equals(legacyRecoveryCodeHash('ab1c0de2fg'))).toBe(false);
    expect(a.equals(keyedRecoveryCodeHash('ab1c0de2fg', 'user-2', key))).toBe(false);
    expect(a.equals(keyedRecoveryCodeHash('ab1c0de2fg', 'user-1', Buffer.alloc(32, 8)))).toBe(false);
  });

  it('re-key a legacy SHA-256 row to the same hash the code gives today', () => {
    const key = Buffer.alloc(32, 7);
    const rekeyed = rekeyLegacyRecoveryCodeHash(legacyRecoveryCodeHash('ab1c0de2fg'), 'user-1', key);
    expect(rekeyed.equals(keyedRecoveryCodeHash('ab1c0de2fg', 'user-1', key))).toBe(true);
  });
});
