import { createHash, randomBytes } from 'node:crypto';

/** Prefixes make leaked tokens recognisable to secret scanners and tell the kinds apart. */
export const SESSION_TOKEN_PREFIX = 'ses_';
export const DEVICE_TOKEN_PREFIX = 'dev_';
/** The 'This wasn't me' link of a new-sign-in mail. */
export const SIGN_IN_REPORT_TOKEN_PREFIX = 'sir_';

/** A bearer secret with 256 bits of randomness, URL-safe. */
export function generateOpaqueToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Tokens are stored only as SHA-256: they carry 256 bits, so a fast hash cannot be brute-forced. */
export function hashOpaqueToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

const TOKEN_SHAPE = /^(ses|dev|sir)_[A-Za-z0-9_-]{43}$/;

/** Cheap shape check before any database work: garbage never reaches a query. */
export function looksLikeOpaqueToken(token: string, prefix: string): boolean {
  return token.startsWith(prefix) && TOKEN_SHAPE.test(token);
}
