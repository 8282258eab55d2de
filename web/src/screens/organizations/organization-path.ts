import type { OrganizationRole } from '../../gql/graphql';

/** An organization's first screen for the caller: a member sees only the members tab's notice. */
export function organizationPath(organization: { id: string; myRole: OrganizationRole }): string {
  return `/organizations/${organization.id}/${organization.myRole === 'MEMBER' ? 'members' : 'security'}`;
}
