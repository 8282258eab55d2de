import { createHash, randomBytes } from 'node:crypto';

/** Recognisable to secret scanners, and distinct from session and device tokens. */
export const INVITATION_TOKEN_PREFIX = 'inv_';
const TOKEN_SHAPE = /^inv_[A-Za-z0-9_-]{43}$/;

/** 256 random bits, URL-safe: the secret part of an invitation link. */
export function generateInvitationToken(): string {
  return INVITATION_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Stored only as SHA-256: 256 random bits cannot be brute-forced from a copy of the database. */
export function hashInvitationToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Cheap shape check before any query: garbage never reaches the database. */
export function looksLikeInvitationToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/** The link mailed to the invitee: the console's page that accepts or declines. */
export function invitationLink(publicUrl: string, token: string): string {
  return `${publicUrl}/invitations/accept?token=${encodeURIComponent(token)}`;
}
