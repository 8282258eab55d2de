/**
 * Whether an organization's phishing-resistant rule holds a FULL session of a user with 2FA on to
 * registering a passkey (only that, me, twoFactorStatus, myOrganizations, leaving and logout stay open):
 * - no rule for the user's roles, or the session's second factor was a passkey: not held;
 * - past the rule's grace period (`deadline`): held, passkey or not;
 * - within it: held once the user has a passkey (codes no longer satisfy the rule; the session
 *   made with one must sign in again with the key), free while they have none.
 * `hasPasskey` is only asked in that last case.
 */
export async function isHeldForPasskey(
  rule: { deadline: Date } | null,
  session: { passkeyVerified: boolean },
  now: Date,
  hasPasskey: () => Promise<boolean>,
): Promise<boolean> {
  if (!rule || session.passkeyVerified) return false;
  if (now.getTime() >= rule.deadline.getTime()) return true;
  return hasPasskey();
}
