import { USER_FIELDS } from './operations';
import type { TestApp } from './test-app';

/** One helper per invitations operation; each returns `{ data, errors }` as the client sees them. */

export const INVITATION_FIELDS = `id email role status organizationId organizationName createdAt expiresAt requiresTwoFactor invitedBy { ${USER_FIELDS} }`;

/** The subject of an invitation mail, in English or Korean. */
export const INVITATION_SUBJECT = /invited to join|초대되었습니다/;

export const inviteOrganizationMember = (t: TestApp, token: string | undefined, input: { organizationId: string; email: string; role: string }, headers?: Record<string, string>) =>
  t.gql(`mutation($input: InviteOrganizationMemberInput!) { inviteOrganizationMember(input: $input) { ${INVITATION_FIELDS} } }`, { input }, token, headers);

export const organizationInvitations = (t: TestApp, token: string | undefined, organizationId: string) =>
  t.gql(`query($organizationId: ID!) { organizationInvitations(organizationId: $organizationId) { ${INVITATION_FIELDS} } }`, { organizationId }, token);

export const myInvitations = (t: TestApp, token?: string) => t.gql(`{ myInvitations { ${INVITATION_FIELDS} } }`, {}, token);

export const revokeInvitation = (t: TestApp, token: string | undefined, id: string) =>
  t.gql('mutation($id: ID!) { revokeOrganizationInvitation(id: $id) }', { id }, token);

export const acceptInvitation = (t: TestApp, token: string | undefined, invitationToken: string) =>
  t.gql('mutation($token: String!) { acceptOrganizationInvitation(token: $token) { id name myRole securitySettings { requireTwoFactor twoFactorGracePeriodHours } } }', { token: invitationToken }, token);

export const declineInvitation = (t: TestApp, token: string | undefined, invitationToken: string) =>
  t.gql('mutation($token: String!) { declineOrganizationInvitation(token: $token) }', { token: invitationToken }, token);

/** The link of the first invitation mailed to `email` after message number `after`. */
export async function invitationLinkFor(t: TestApp, email: string, after = 0): Promise<string> {
  const mail = await t.inbox.waitFor(email, INVITATION_SUBJECT, after);
  const link = /(\S+\/invitations\/accept\?token=\S+)/.exec(mail.text)?.[1];
  if (!link) throw new Error(`No invitation link in mail: ${mail.text}`);
  return link;
}

/** The token of that link, as the console's accept page reads it from the address. */
export async function invitationTokenFor(t: TestApp, email: string, after = 0): Promise<string> {
  const link = await invitationLinkFor(t, email, after);
  return new URL(link).searchParams.get('token')!;
}
