/**
 * The one form an email is stored and compared in: surrounding spaces dropped, lower-cased.
 * Everything that stores, looks up or keys on an email goes through here, so they cannot drift apart.
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
