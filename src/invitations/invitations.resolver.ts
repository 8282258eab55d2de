import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AllowDuringForcedTwoFactorSetup } from '../auth/decorators/access.decorators';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { CurrentSession } from '../common/current-session.decorator';
import { Organization } from '../organizations/models/organization.model';
import { InviteOrganizationMemberInput } from './dto/invitation.inputs';
import { InvitationsService } from './invitations.service';
import { OrganizationInvitation } from './models/organization-invitation.model';

/**
 * Full sessions only (deny by default); roles are checked in the service. The invitee's three
 * operations stay open during forced 2FA setup: a user whom organization A forces into setup can
 * still see and decline invitations, and accepting only adds a membership (the guard keeps
 * blocking everything else until setup is done, and the new organization's own grace period
 * counts from joining), so nobody is stuck. None is open to a pending session: a password alone
 * must not be enough to join an organization.
 */
@Resolver()
export class InvitationsResolver {
  constructor(private readonly invitations: InvitationsService) {}

  @Query(() => [OrganizationInvitation], { description: 'OWNER and ADMIN only: pending and recent invitations of the organization.' })
  organizationInvitations(
    @CurrentSession() session: AuthenticatedSession,
    @Args('organizationId', { type: () => ID }) organizationId: string,
  ): Promise<OrganizationInvitation[]> {
    return this.invitations.listForOrganization(session.userId, organizationId);
  }

  @AllowDuringForcedTwoFactorSetup()
  @Query(() => [OrganizationInvitation], { description: "Pending invitations addressed to the caller's login email." })
  myInvitations(@CurrentSession() session: AuthenticatedSession): Promise<OrganizationInvitation[]> {
    return this.invitations.listMine(session.user);
  }

  @Mutation(() => OrganizationInvitation, {
    description:
      'OWNER and ADMIN only; only an OWNER may invite an OWNER. Mails <PUBLIC_URL>/invitations/accept?token=<token> (single use, 7 days). The answer is the same whether or not the email has an account; inviting a pending email again replaces its invitation; a current member is CONFLICT.',
  })
  inviteOrganizationMember(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input') input: InviteOrganizationMemberInput,
  ): Promise<OrganizationInvitation> {
    return this.invitations.invite(session.user, input);
  }

  @Mutation(() => Boolean)
  async revokeOrganizationInvitation(
    @CurrentSession() session: AuthenticatedSession,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<boolean> {
    await this.invitations.revoke(session.userId, id);
    return true;
  }

  @AllowDuringForcedTwoFactorSetup()
  @Mutation(() => Organization, {
    description:
      'The signed-in caller, whose login email must be the invited one (else NOT_FOUND), joins with the invited role. When the organization requires 2FA, a grace period counts from the moment of joining.',
  })
  acceptOrganizationInvitation(
    @CurrentSession() session: AuthenticatedSession,
    @Args('token') token: string,
  ): Promise<Organization> {
    return this.invitations.accept(session.user, token);
  }

  @AllowDuringForcedTwoFactorSetup()
  @Mutation(() => Boolean)
  async declineOrganizationInvitation(
    @CurrentSession() session: AuthenticatedSession,
    @Args('token') token: string,
  ): Promise<boolean> {
    await this.invitations.decline(session.user, token);
    return true;
  }
}
