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
