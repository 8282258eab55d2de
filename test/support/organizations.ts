import { acceptInvitation, invitationTokenFor, inviteOrganizationMember } from './invitations';
import { latestSessionOf, USER_FIELDS } from './operations';
import type { TestApp } from './test-app';

/** One helper per organizations operation; each returns `{ data, errors }` as the client sees them. */

export const SETTINGS_FIELDS = `requireTwoFactor twoFactorGracePeriodHours updatedAt updatedBy { ${USER_FIELDS} }`;
export const ORGANIZATION_FIELDS = `id name myRole createdAt securitySettings { ${SETTINGS_FIELDS} }`;
export const MEMBER_FIELDS = `role joinedAt user { ${USER_FIELDS} }`;
export const EVENT_FIELDS = 'id type occurredAt organizationId user { id email } actor { id email }';

export const createOrganization = (t: TestApp, token: string | undefined, name: unknown) =>
  t.gql(`mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { ${ORGANIZATION_FIELDS} } }`, { input: { name } }, token);

export const myOrganizations = (t: TestApp, token?: string) => t.gql(`{ myOrganizations { ${ORGANIZATION_FIELDS} } }`, {}, token);

export const organization = (t: TestApp, token: string | undefined, id: string) =>
  t.gql(`query($id: ID!) { organization(id: $id) { ${ORGANIZATION_FIELDS} } }`, { id }, token);

export const organizationMembers = (t: TestApp, token: string | undefined, organizationId: string) =>
  t.gql(`query($organizationId: ID!) { organizationMembers(organizationId: $organizationId) { ${MEMBER_FIELDS} } }`, { organizationId }, token);

export const organizationSecurityEvents = (t: TestApp, token: string | undefined, organizationId: string, first?: number) =>
  t.gql(
    `query($organizationId: ID!, $first: Int) { organizationSecurityEvents(organizationId: $organizationId, first: $first) { ${EVENT_FIELDS} } }`,
    { organizationId, first },
    token,
  );

export const addOrganizationMember = (t: TestApp, token: string | undefined, input: { organizationId: string; email: string; role: string }) =>
  t.gql(`mutation($input: AddOrganizationMemberInput!) { addOrganizationMember(input: $input) { ${MEMBER_FIELDS} } }`, { input }, token);

export const updateOrganizationMemberRole = (
  t: TestApp,
  token: string | undefined,
  input: { organizationId: string; userId: string; role: string },
) => t.gql(`mutation($input: UpdateOrganizationMemberRoleInput!) { updateOrganizationMemberRole(input: $input) { ${MEMBER_FIELDS} } }`, { input }, token);

export const removeOrganizationMember = (t: TestApp, token: string | undefined, input: { organizationId: string; userId: string }) =>
  t.gql('mutation($input: RemoveOrganizationMemberInput!) { removeOrganizationMember(input: $input) }', { input }, token);

export const updateOrganizationSecuritySettings = (
  t: TestApp,
  token: string | undefined,
  input: { organizationId: string; requireTwoFactor: boolean; twoFactorGracePeriodHours?: number | null },
) =>
  t.gql(
    `mutation($input: UpdateOrganizationSecuritySettingsInput!) { updateOrganizationSecuritySettings(input: $input) { ${SETTINGS_FIELDS} } }`,
    { input },
    token,
  );

/** Creates an organization owned by the signed-in user and returns its id. */
export async function newOrganization(t: TestApp, ownerToken: string, name = 'Acme'): Promise<string> {
  const result = await createOrganization(t, ownerToken, name);
  if (!result.data?.createOrganization) throw new Error(`createOrganization failed: ${JSON.stringify(result.errors)}`);
  return result.data.createOrganization.id;
}

/**
 * Brings a user the tests signed up into an organization with a role, the way a new colleague
 * comes in: invited by email, then accepting with their newest session and the mailed token.
 * Fails the test when refused.
 */
export async function addMember(t: TestApp, managerToken: string, organizationId: string, email: string, role = 'MEMBER'): Promise<void> {
  const memberToken = latestSessionOf(email);
  if (!memberToken) throw new Error(`addMember: ${email} was not signed up through newUser`);
  const mailsBefore = t.inbox.messages.length;
  const invited = await inviteOrganizationMember(t, managerToken, { organizationId, email, role });
  if (!invited.data?.inviteOrganizationMember) throw new Error(`inviteOrganizationMember failed: ${JSON.stringify(invited.errors)}`);
  const token = await invitationTokenFor(t, email, mailsBefore);
  const accepted = await acceptInvitation(t, memberToken, token);
  if (!accepted.data?.acceptOrganizationInvitation) throw new Error(`acceptOrganizationInvitation failed: ${JSON.stringify(accepted.errors)}`);
}
