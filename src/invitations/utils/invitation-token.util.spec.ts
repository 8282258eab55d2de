import { describe, expect, it } from 'vitest';
import { generateInvitationToken, hashInvitationToken, invitationLink, looksLikeInvitationToken } from './invitation-token.util';

describe('invitation tokens', () => {
  it('carry 256 random bits behind their prefix, and never repeat', () => {
    const tokens = new Set(Array.from({ length: 100 }, generateInvitationToken));
    expect(tokens.size).toBe(100);
    for (const token of tokens) {
      expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
      expect(looksLikeInvitationToken(token)).toBe(true);
    }
  });

  it('refuse other shapes before any query', () => {
    const token = generateInvitationToken();
    expect(looksLikeInvitationToken(`ses_${token.slice(4)}`)).toBe(false);
    expect(looksLikeInvitationToken(`${token}x`)).toBe(false);
    expect(looksLikeInvitationToken("inv_' OR 1=1 --")).toBe(false);
  });

  it('are stored as a SHA-256 that differs per token', () => {
    const [a, b] = [generateInvitationToken(), generateInvitationToken()];
    expect(hashInvitationToken(a)).toHaveLength(32);
    expect(hashInvitationToken(a).equals(hashInvitationToken(a))).toBe(true);
    expect(hashInvitationToken(a).equals(hashInvitationToken(b))).toBe(false);
  });

  it('make the link PUBLIC_URL/invitations/accept?token=…', () => {
    expect(invitationLink('https://console.example.com', 'inv_abc')).toBe('https://console.example.com/invitations/accept?token=inv_abc');
  });
});
