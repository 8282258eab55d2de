import { OrganizationRole } from '../models/organization-role.model';

/** OWNER and ADMIN manage an organization's members, settings and security events. */
export function isManagerRole(role: OrganizationRole): boolean {
  return role === OrganizationRole.OWNER || role === OrganizationRole.ADMIN;
}

/**
 * Whether a manager with `actorRole` may move a member from one role to another. `null` stands for
 * "not a member": from null is adding, to null is removing. Only an OWNER grants or takes OWNER.
 */
export function mayMoveBetweenRoles(
  actorRole: OrganizationRole,
  from: OrganizationRole | null,
  to: OrganizationRole | null,
): boolean {
  const touchesOwner = from === OrganizationRole.OWNER || to === OrganizationRole.OWNER;
  return !touchesOwner || actorRole === OrganizationRole.OWNER;
}

/**
 * Whether a manager with `actorRole` may reset the second factor of a member with `memberRole`:
 * only an OWNER can take an OWNER's factors, as only an OWNER can take the OWNER role.
 */
export function mayResetSecondFactorOf(actorRole: OrganizationRole, memberRole: OrganizationRole): boolean {
  return isManagerRole(actorRole) && (memberRole !== OrganizationRole.OWNER || actorRole === OrganizationRole.OWNER);
}

/** OWNER above ADMIN above MEMBER: a lower number is a higher role. */
export const ROLE_RANK: Record<OrganizationRole, number> = { OWNER: 0, ADMIN: 1, MEMBER: 2 };

/** The roles a caller and another user hold in one organization they both belong to. */
export interface SharedMembership {
  callerRole: OrganizationRole;
  memberRole: OrganizationRole;
}

/**
 * Whether the caller's role is at least the other user's in every organization the two share. An
 * action on a person (resetting their factors, adding them directly) is judged in all of them, or
 * an admin of one organization could act on its owner through a second organization of their own.
 */
export function standsAtOrAboveEverywhere(shared: readonly SharedMembership[]): boolean {
  return shared.every(({ callerRole, memberRole }) => ROLE_RANK[callerRole] <= ROLE_RANK[memberRole]);
}

/**
 * Whether the caller may add this user to an organization without an invitation: only someone the
 * caller manages in a shared organization, and outranks or equals in every one they share.
 */
export function mayAddDirectly(shared: readonly SharedMembership[]): boolean {
  return shared.some(({ callerRole }) => isManagerRole(callerRole)) && standsAtOrAboveEverywhere(shared);
}
