/** A (device, place) pair not signed in from for this long is new again. */
export const KNOWN_DEVICE_DAYS = 90;
/** How long the 'This wasn't me' link of a new-sign-in mail works. */
export const SIGN_IN_REPORT_DAYS = 7;

/** What the sign-in's upsert of its (device, place) pair saw. */
export interface KnownDeviceOutcome {
  /** The account had signed in before (from any pair): false for the first sign-in after sign-up. */
  hadHistory: boolean;
  /** When the pair was last seen before this sign-in; null when it was never seen. */
  previousSeenAt: Date | null;
}

/**
 * Whether a full sign-in is mailed to the user: the account has signed in before, and never from
 * this pair or not in the last 90 days.
 */
export function isUnrecognizedSignIn(outcome: KnownDeviceOutcome, now: Date): boolean {
  if (!outcome.hadHistory) return false;
  if (!outcome.previousSeenAt) return true;
  return now.getTime() - outcome.previousSeenAt.getTime() > KNOWN_DEVICE_DAYS * 86_400_000;
}

/** The mailed link: the console's page that offers to sign that device out. */
export function signInReportLink(publicUrl: string, token: string): string {
  return `${publicUrl}/sign-in-report?token=${encodeURIComponent(token)}`;
}
