import { generateSecret, generateSync, verifySync } from 'otplib';

/** RFC 6238 as every authenticator app expects it. */
export const TOTP_ALGORITHM = 'SHA1';
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/** Steps accepted on either side of the current one, for clock drift between phone and server. */
export const TOTP_WINDOW_STEPS = 1;
export const TOTP_SECRET_BYTES = 20;

export function generateTotpSecret(): string {
  return generateSecret({ length: TOTP_SECRET_BYTES });
}

/** The Key URI Format, with algorithm, digits and period spelled out for apps that need them. */
export function totpUri(issuer: string, accountName: string, secret: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
  const query = new URLSearchParams({
    secret,
    issuer,
    algorithm: TOTP_ALGORITHM,
    digits: String(TOTP_DIGITS),
    period: String(TOTP_PERIOD_SECONDS),
  });
  return `otpauth://totp/${label}?${query.toString().replace(/\+/g, '%20')}`;
}

/** Digits only, spaces allowed ("123 456" as some apps show it); anything else is not a code. */
export function normaliseTotpCode(input: string): string | null {
  const digits = input.replace(/\s/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

/**
 * The time step a code belongs to, if it is valid within the window at `epochSeconds`; else null.
 * Accepting it once is the caller's job (it must store the step and refuse it, or any older one).
 */
export function matchTotpStep(secret: string, code: string, epochSeconds: number): number | null {
  const token = normaliseTotpCode(code);
  if (!token) return null;
  const result = verifySync({
    secret,
    token,
    epoch: epochSeconds,
    epochTolerance: TOTP_WINDOW_STEPS * TOTP_PERIOD_SECONDS,
    period: TOTP_PERIOD_SECONDS,
    digits: TOTP_DIGITS,
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** The code an authenticator app shows at `epochSeconds` (tests and benchmarks play the phone). */
export function totpCodeAt(secret: string, epochSeconds: number): string {
  return generateSync({ secret, epoch: epochSeconds, period: TOTP_PERIOD_SECONDS, digits: TOTP_DIGITS });
}
