import { describe, expect, it } from 'vitest';
import {
  generatePasswordResetToken,
  hashPasswordResetToken,
  looksLikePasswordResetToken,
  passwordResetLink,
} from './password-reset-token.util';

describe('password reset tokens', () => {
  it('carry 256 random bits and differ every time', () => {
    const token = generatePasswordResetToken();
    expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
    expect(generatePasswordResetToken()).not.toBe(token);
  });

  it('are recognised by shape, and garbage is not', () => {
    expect(looksLikePasswordResetToken(generatePasswordResetToken())).toBe(true);
    expect(looksLikePasswordResetToken('pwr_short')).toBe(false);
    expect(looksLikePasswordResetToken(`inv_${'a'.repeat(43)}`)).toBe(false);
  });

  it('hash to SHA-256, never to the token itself', () => {
    const token = generatePasswordResetToken();
    expect(hashPasswordResetToken(token)).toHaveLength(32);
    expect(hashPasswordResetToken(token).toString('utf8')).not.toContain(token);
  });

  it('make a link under the public URL', () => {
    expect(passwordResetLink('https://id.example.com', 'pwr_abc')).toBe('https://id.example.com/reset-password?token=pwr_abc');
  });
});
