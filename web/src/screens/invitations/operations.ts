import { graphql } from '../../gql';

export const OrganizationInvitationsDocument = graphql(`
  query OrganizationInvitations($organizationId: ID!) {
    organizationInvitations(organizationId: $organizationId) { id email role status createdAt expiresAt }
  }
`);

export const InviteOrganizationMemberDocument = graphql(`
  mutation InviteOrganizationMember($input: InviteOrganizationMemberInput!) {
    inviteOrganizationMember(input: $input) { id email }
  }
`);

export const RevokeOrganizationInvitationDocument = graphql(`
  mutation RevokeOrganizationInvitation($id: ID!) {
    revokeOrganizationInvitation(id: $id)
  }
`);

export const MyInvitationsDocument = graphql(`
  query MyInvitations {
    myInvitations { id organizationName role requiresTwoFactor expiresAt }
  }
`);

export const InvitationForTokenDocument = graphql(`
  query InvitationForToken($token: String!) {
    invitationForToken(token: $token) { id organizationName role requiresTwoFactor expiresAt }
  }
`);

export const AcceptOrganizationInvitationDocument = graphql(`
  mutation AcceptOrganizationInvitation($token: String!) {
    acceptOrganizationInvitation(token: $token) { id name myRole securitySettings { requireTwoFactor } }
  }
`);

export const DeclineOrganizationInvitationDocument = graphql(`
  mutation DeclineOrganizationInvitation($token: String!) {
    declineOrganizationInvitation(token: $token)
  }
`);

export const JoinedTwoFactorStatusDocument = graphql(`
  query JoinedTwoFactorStatus {
    twoFactorStatus { enabled setupRequiredBy }
  }
`);
