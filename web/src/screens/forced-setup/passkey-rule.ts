import type { MyOrganizationsQuery } from '../../gql/graphql';

type MyOrganization = MyOrganizationsQuery['myOrganizations'][number];

/**
 * The names of the organizations whose rule accepts only passkeys from the user's role there, as
 * the server decides it: the 2FA requirement on, and the role's rule PHISHING_RESISTANT.
 */
export function organizationsDemandingPasskeys(organizations: readonly MyOrganization[]): string[] {
  return organizations
    .filter(({ myRole, securitySettings: s }) => s.requireTwoFactor && (myRole === 'MEMBER' ? s.memberSecondFactors : s.adminSecondFactors) === 'PHISHING_RESISTANT')
    .map((organization) => organization.name);
}
