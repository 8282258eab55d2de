import { graphql } from '../../gql';
import type { OrganizationQuery } from '../../gql/graphql';

export const MyOrganizationsDocument = graphql(`
  query MyOrganizations {
    myOrganizations { id name myRole securitySettings { requireTwoFactor adminSecondFactors memberSecondFactors } }
  }
`);

export const CreateOrganizationDocument = graphql(`
  mutation CreateOrganization($input: CreateOrganizationInput!) {
    createOrganization(input: $input) { id name myRole }
  }
`);

export const OrganizationDocument = graphql(`
  query Organization($id: ID!) {
    organization(id: $id) {
      id
      name
      myRole
      securitySettings { requireTwoFactor twoFactorGracePeriodHours adminSecondFactors memberSecondFactors updatedAt updatedBy { email } }
    }
  }
`);

/** One organization as its screen and every tab panel read it. */
export type Organization = OrganizationQuery['organization'];

export const OrganizationMembersDocument = graphql(`
  query OrganizationMembers($organizationId: ID!) {
    organizationMembers(organizationId: $organizationId) { role joinedAt user { id email name twoFactorEnabled } }
  }
`);

export const AddOrganizationMemberDocument = graphql(`
  mutation AddOrganizationMember($input: AddOrganizationMemberInput!) {
    addOrganizationMember(input: $input) { role }
  }
`);

export const UpdateOrganizationMemberRoleDocument = graphql(`
  mutation UpdateOrganizationMemberRole($input: UpdateOrganizationMemberRoleInput!) {
    updateOrganizationMemberRole(input: $input) { role }
  }
`);

export const RemoveOrganizationMemberDocument = graphql(`
  mutation RemoveOrganizationMember($input: RemoveOrganizationMemberInput!) {
    removeOrganizationMember(input: $input)
  }
`);

export const UpdateOrganizationSecuritySettingsDocument = graphql(`
  mutation UpdateOrganizationSecuritySettings($input: UpdateOrganizationSecuritySettingsInput!) {
    updateOrganizationSecuritySettings(input: $input) { requireTwoFactor twoFactorGracePeriodHours adminSecondFactors memberSecondFactors updatedAt updatedBy { email } }
  }
`);

export const OrganizationSecurityEventsDocument = graphql(`
  query OrganizationSecurityEvents($organizationId: ID!) {
    organizationSecurityEvents(organizationId: $organizationId, first: 50) {
      id type occurredAt ipAddress userAgent device location user { email } actor { email }
    }
  }
`);

export const ResetMemberTwoFactorDocument = graphql(`
  mutation ResetMemberTwoFactor($input: ResetMemberTwoFactorInput!) {
    resetMemberTwoFactor(input: $input) { role user { id email twoFactorEnabled } }
  }
`);

export const OrganizationWebhooksDocument = graphql(`
  query OrganizationWebhooks($organizationId: ID!) {
    organizationWebhooks(organizationId: $organizationId) { id url eventTypes createdAt createdBy { email } }
  }
`);

export const OrganizationWebhookDeliveriesDocument = graphql(`
  query OrganizationWebhookDeliveries($webhookId: ID!) {
    organizationWebhookDeliveries(webhookId: $webhookId) { id messageId eventType status attempts lastAttemptAt lastResponseStatus nextAttemptAt }
  }
`);

export const CreateOrganizationWebhookDocument = graphql(`
  mutation CreateOrganizationWebhook($input: CreateOrganizationWebhookInput!) {
    createOrganizationWebhook(input: $input) { secret webhook { id } }
  }
`);

export const DeleteOrganizationWebhookDocument = graphql(`
  mutation DeleteOrganizationWebhook($id: ID!) {
    deleteOrganizationWebhook(id: $id)
  }
`);
