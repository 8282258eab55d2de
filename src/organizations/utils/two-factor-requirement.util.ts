/**
 * The moment a saved 2FA requirement counts from; members' deadline is this plus the grace hours.
 *
 * Turning the requirement on starts it now. Saving it while it is already on keeps the original
 * moment: re-saving the settings cannot push a deadline members were given further out, and
 * changing only the grace hours moves the deadline relative to when the requirement began (so a
 * shorter grace period may end it at once). Turning the requirement off forgets the moment, and
 * turning it on again later starts afresh.
 */
export function requirementStart(currentStart: Date | null, requireTwoFactor: boolean, now: Date): Date | null {
  if (!requireTwoFactor) return null;
  return currentStart ?? now;
}
