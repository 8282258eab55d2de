import { createHash, randomBytes } from 'node:crypto';

/** Recognisable to secret scanners, and distinct from session, device and invitation tokens. */
export const PASSWORD_RESET_TOKEN_PREFIX = 'pwr_';
const TOKEN_SHAPE = /^pwr_[A-Za-z0-9_-]{43}$/;

/** 256 random bits, URL-safe: the secret part of a reset link. */
export function generatePasswordResetToken(): string {
  return PASSWORD_RESET_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Stored only as SHA-256: 256 random bits cannot be brute-forced from a copy of the database. */
export function hashPasswordResetToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Cheap shape check before any query: garbage never reaches the database. */
export function looksLikePasswordResetToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/** The link mailed to the user: the console's page that asks for the new password. */
export function passwordResetLink(publicUrl: string, token: string): string {
  return `${publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
}
