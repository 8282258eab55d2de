import { describe, expect, it } from 'vitest';
import {
  DEVICE_TOKEN_PREFIX,
  SESSION_TOKEN_PREFIX,
  SIGN_IN_REPORT_TOKEN_PREFIX,
  generateOpaqueToken,
  hashOpaqueToken,
  looksLikeOpaqueToken,
} from './opaque-token.util';

describe('opaque tokens', () => {
  it('carries 256 random bits after its prefix and differs every time', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateOpaqueToken(SESSION_TOKEN_PREFIX)));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) {
      expect(Buffer.from(token.slice(SESSION_TOKEN_PREFIX.length), 'base64url')).toHaveLength(32);
    }
  });

  it('hashes to the SHA-256 digest, never the token itself', () => {
    const token = generateOpaqueToken(SESSION_TOKEN_PREFIX);
    const digest = hashOpaqueToken(token);
    expect(digest).toHaveLength(32);
    expect(digest.toString('hex')).toBe(hashOpaqueToken(token).toString('hex'));
    expect(digest.toString('utf8')).not.toContain(token.slice(4, 20));
  });

  it('recognises only well-formed tokens of the expected kind', () => {
    const session = generateOpaqueToken(SESSION_TOKEN_PREFIX);
    expect(looksLikeOpaqueToken(session, SESSION_TOKEN_PREFIX)).toBe(true);
    expect(looksLikeOpaqueToken(session, DEVICE_TOKEN_PREFIX)).toBe(false);
    expect(looksLikeOpaqueToken(session + 'x', SESSION_TOKEN_PREFIX)).toBe(false);
    expect(looksLikeOpaqueToken("ses_' OR 1=1 --", SESSION_TOKEN_PREFIX)).toBe(false);
    expect(looksLikeOpaqueToken('', SESSION_TOKEN_PREFIX)).toBe(false);
    const report = generateOpaqueToken(SIGN_IN_REPORT_TOKEN_PREFIX);
    expect(looksLikeOpaqueToken(report, SIGN_IN_REPORT_TOKEN_PREFIX)).toBe(true);
    expect(looksLikeOpaqueToken(report, SESSION_TOKEN_PREFIX)).toBe(false);
  });
});
