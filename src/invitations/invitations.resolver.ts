import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AllowDuringForcedTwoFactorSetup } from '../common/access.decorators';
import { ErrorCode as Code, ServerErrorCode } from '../common/app-error';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { describeOperation } from '../common/error-codes';
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

  @Query(() => [OrganizationInvitation], {
    description: describeOperation(
      'OWNER and ADMIN only: pending and recent invitations of the organization (kept 30 days after they expire), newest first.',
      [Code.NOT_FOUND, Code.FORBIDDEN],
    ),
  })
  organizationInvitations(
    @CurrentSession() session: AuthenticatedSession,
    @Args('organizationId', { type: () => ID, description: 'Organization.id.' }) organizationId: string,
  ): Promise<OrganizationInvitation[]> {
    return this.invitations.listForOrganization(session.userId, organizationId);
  }

  @AllowDuringForcedTwoFactorSetup()
  @Query(() => [OrganizationInvitation], { description: "Pending invitations addressed to the caller's login email, once the account has confirmed that email (an emailed code during 2FA setup, a password reset, or an accepted invitation link); empty before. Open during forced 2FA setup." })
  myInvitations(@CurrentSession() session: AuthenticatedSession): Promise<OrganizationInvitation[]> {
    return this.invitations.listMine(session.user);
  }

  @AllowDuringForcedTwoFactorSetup()
  @Query(() => OrganizationInvitation, {
    nullable: true,
    description:
      "The pending invitation of a mailed link, for the page that answers it: only when addressed to the caller's login email (the token proves the mailbox); null for any other, used, revoked, replaced or expired token. Open during forced 2FA setup.",
  })
  invitationForToken(
    @CurrentSession() session: AuthenticatedSession,
    @Args('token', { description: 'The token from the link, inv_…' }) token: string,
  ): Promise<OrganizationInvitation | null> {
    return this.invitations.findForToken(session.user, token);
  }

  @Mutation(() => OrganizationInvitation, {
    description: describeOperation(
      'OWNER and ADMIN only; only an OWNER may invite an OWNER. Mails <PUBLIC_URL>/invitations/accept?token=<token> (single use, 7 days). The answer is the same whether or not the email has an account; inviting a pending email again replaces its invitation; a current member is CONFLICT. At most 50 an hour per organization, 3 an hour from one organization to one address, 20 an hour to one address from all organizations, and 50 a day per inviting user.',
      [Code.BAD_USER_INPUT, Code.NOT_FOUND, Code.FORBIDDEN, Code.CONFLICT, Code.TOO_MANY_ATTEMPTS, ServerErrorCode.SERVICE_UNAVAILABLE],
    ),
  })
  inviteOrganizationMember(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input', { description: 'The organization, the email and the role.' }) input: InviteOrganizationMemberInput,
  ): Promise<OrganizationInvitation> {
    return this.invitations.invite(session.user, input);
  }

  @Mutation(() => Boolean, {
    description: describeOperation(
      'OWNER and ADMIN only (an invitation to OWNER: OWNER only): ends a pending invitation, whose link stops working. Another organization\'s invitation is NOT_FOUND; one already accepted, revoked or replaced is FAILED_PRECONDITION.',
      [Code.NOT_FOUND, Code.FORBIDDEN, Code.FAILED_PRECONDITION],
    ),
  })
  async revokeOrganizationInvitation(
    @CurrentSession() session: AuthenticatedSession,
    @Args('id', { type: () => ID, description: 'OrganizationInvitation.id.' }) id: string,
  ): Promise<boolean> {
    await this.invitations.revoke(session.userId, id);
    return true;
  }

  @AllowDuringForcedTwoFactorSetup()
  @Mutation(() => Organization, {
    description: describeOperation(
      'The signed-in caller, whose login email must be the invited one (else NOT_FOUND), joins with the invited role. When the organization requires 2FA, a grace period counts from the moment of joining. A used, revoked or replaced link is NOT_FOUND; the invitee\'s own expired one CODE_EXPIRED; already a member CONFLICT. Open during forced 2FA setup.',
      [Code.NOT_FOUND, Code.CODE_EXPIRED, Code.CONFLICT],
    ),
  })
  acceptOrganizationInvitation(
    @CurrentSession() session: AuthenticatedSession,
    @Args('token', { description: 'The token of the mailed link (inv_…).' }) token: string,
  ): Promise<Organization> {
    return this.invitations.accept(session.user, token);
  }

  @AllowDuringForcedTwoFactorSetup()
  @Mutation(() => Boolean, {
    description: describeOperation(
      "The invitee says no: the invitation is deleted and its link stops working. Only the account with the invited login email can decline. Open during forced 2FA setup.",
      [Code.NOT_FOUND],
    ),
  })
  async declineOrganizationInvitation(
    @CurrentSession() session: AuthenticatedSession,
    @Args('token', { description: 'The token of the mailed link (inv_…).' }) token: string,
  ): Promise<boolean> {
    await this.invitations.decline(session.user, token);
    return true;
  }
}
