import { AllowedSecondFactors } from '../models/allowed-second-factors.model';
import { OrganizationRole } from '../models/organization-role.model';

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

/**
 * A member's own deadline to set up 2FA: the grace period counts from the later of the
 * requirement's start and the member's joining (GitLab's rule), so someone who joins long after
 * the requirement began still gets the whole grace period. memberSetupDeadlineSql (in
 * ../two-factor-requirement.repository.ts) is the same formula for statements
 * (test/two-factor-requirement.medium-spec.ts holds them to agree).
 */
export function memberSetupDeadline(requirementStartedAt: Date, joinedAt: Date, gracePeriodHours: number): Date {
  const countsFrom = Math.max(requirementStartedAt.getTime(), joinedAt.getTime());
  return new Date(countsFrom + gracePeriodHours * 3_600_000);
}

/** Whether a setup deadline has come: from then on a user without 2FA can only set it up. */
export function isPastSetupDeadline(deadline: Date | null, now: Date): boolean {
  return deadline !== null && deadline.getTime() <= now.getTime();
}

/** A reminder is mailed once a day before the deadline, when the grace period is longer than that. */
export const TWO_FACTOR_REMINDER_HOURS_BEFORE = 24;

/**
 * Whether an organization accepts only phishing-resistant factors (passkeys, security keys) from a
 * member with this role: its 2FA requirement is on and the role's rule says so.
 */
export function demandsPhishingResistant(
  organization: { requireTwoFactor: boolean; adminSecondFactors: AllowedSecondFactors; memberSecondFactors: AllowedSecondFactors },
  role: OrganizationRole,
): boolean {
  if (!organization.requireTwoFactor) return false;
  const rule = role === OrganizationRole.MEMBER ? organization.memberSecondFactors : organization.adminSecondFactors;
  return rule === AllowedSecondFactors.PHISHING_RESISTANT;
}
