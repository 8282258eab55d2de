import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { SecurityEvent } from '../audit/models/security-event.model';
import { ErrorCode as Code } from '../common/app-error';
import { describeOperation } from '../common/error-codes';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { CurrentSession } from '../common/current-session.decorator';
import { AllowDuringForcedTwoFactorSetup } from '../common/access.decorators';
import {
  AddOrganizationMemberInput,
  CreateOrganizationInput,
  RemoveOrganizationMemberInput,
  UpdateOrganizationMemberRoleInput,
  UpdateOrganizationSecuritySettingsInput,
} from './dto/organization.inputs';
import { Organization, OrganizationMember, OrganizationSecuritySettings } from './models/organization.model';
import { OrganizationsService } from './organizations.service';
import { SecuritySettingsService } from './security-settings.service';

/** Every operation here needs a full session (deny by default); roles are checked in the service. */
@Resolver()
export class OrganizationsResolver {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly securitySettings: SecuritySettingsService,
  ) {}

  /** Open during forced setup: a member must be able to see which organization requires 2FA. */
  @AllowDuringForcedTwoFactorSetup()
  @Query(() => [Organization], { description: 'The organizations the user belongs to, with their role in each. Open during forced 2FA setup.' })
  myOrganizations(@CurrentSession() session: AuthenticatedSession): Promise<Organization[]> {
    return this.organizations.listMine(session.userId);
  }

  @Query(() => Organization, { description: describeOperation('One organization the user belongs to; any other id is NOT_FOUND.', [Code.NOT_FOUND]) })
  organization(
    @CurrentSession() session: AuthenticatedSession,
    @Args('id', { type: () => ID, description: 'Organization.id.' }) id: string,
  ): Promise<Organization> {
    return this.organizations.findForMember(session.userId, id);
  }

  @Query(() => [OrganizationMember], {
    description: describeOperation('OWNER and ADMIN only: every member with role and 2FA status.', [Code.NOT_FOUND, Code.FORBIDDEN]),
  })
  organizationMembers(
    @CurrentSession() session: AuthenticatedSession,
    @Args('organizationId', { type: () => ID, description: 'Organization.id.' }) organizationId: string,
  ): Promise<OrganizationMember[]> {
    return this.organizations.listMembers(session.userId, organizationId);
  }

  @Query(() => [SecurityEvent], {
    description: describeOperation(
      "OWNER and ADMIN only: the organization's security events (members added, removed, role and settings changes), newest first.",
      [Code.NOT_FOUND, Code.FORBIDDEN, Code.BAD_USER_INPUT],
    ),
  })
  organizationSecurityEvents(
    @CurrentSession() session: AuthenticatedSession,
    @Args('organizationId', { type: () => ID, description: 'Organization.id.' }) organizationId: string,
    @Args('first', { type: () => Int, nullable: true, description: 'How many, 1 to 200; 50 when left out.' }) first?: number,
  ): Promise<SecurityEvent[]> {
    return this.organizations.listSecurityEvents(session.userId, organizationId, first);
  }

  @Mutation(() => Organization, { description: describeOperation('Creates an organization; the caller becomes its OWNER.', [Code.BAD_USER_INPUT]) })
  createOrganization(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input', { description: 'Its name.' }) input: CreateOrganizationInput,
  ): Promise<Organization> {
    return this.organizations.create(session.userId, input);
  }

  @Mutation(() => OrganizationMember, {
    description: describeOperation(
      'OWNER and ADMIN only; only an OWNER may grant OWNER. Adds, and mails, an existing account the caller already manages (as OWNER or ADMIN) in another organization. Any other address, with or without an account, is the same NOT_FOUND: invite it instead (inviteOrganizationMember).',
      [Code.BAD_USER_INPUT, Code.NOT_FOUND, Code.FORBIDDEN, Code.CONFLICT],
    ),
  })
  addOrganizationMember(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input', { description: 'The organization, the email and the role.' }) input: AddOrganizationMemberInput,
  ): Promise<OrganizationMember> {
    return this.organizations.addMember(session.userId, input);
  }

  @Mutation(() => OrganizationMember, {
    description: describeOperation(
      'OWNER and ADMIN only; only an OWNER may grant or take OWNER; the last OWNER cannot be demoted (FAILED_PRECONDITION).',
      [Code.BAD_USER_INPUT, Code.NOT_FOUND, Code.FORBIDDEN, Code.FAILED_PRECONDITION],
    ),
  })
  updateOrganizationMemberRole(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input', { description: 'The organization, the member and the new role.' }) input: UpdateOrganizationMemberRoleInput,
  ): Promise<OrganizationMember> {
    return this.organizations.changeMemberRole(session.userId, input);
  }

  /** Open during forced setup so a member can leave; the service allows only leaving then. */
  @AllowDuringForcedTwoFactorSetup()
  @Mutation(() => Boolean, {
    description: describeOperation(
      'OWNER and ADMIN only, except that any member may remove themselves (leave), also while 2FA setup is required of them; only an OWNER may remove an OWNER; the last OWNER cannot be removed (FAILED_PRECONDITION).',
      [Code.NOT_FOUND, Code.FORBIDDEN, Code.FAILED_PRECONDITION],
    ),
  })
  async removeOrganizationMember(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input', { description: 'The organization and the member.' }) input: RemoveOrganizationMemberInput,
  ): Promise<boolean> {
    await this.organizations.removeMember(session.user, input);
    return true;
  }

  @Mutation(() => OrganizationSecuritySettings, {
    description: describeOperation(
      'OWNER and ADMIN only. Requiring 2FA needs the caller to have 2FA on (else FAILED_PRECONDITION). After the grace period, members without 2FA can only set it up. adminSecondFactors / memberSecondFactors PHISHING_RESISTANT (with the requirement on) accept only passkeys and security keys from that role, after the same grace period counted from the rule\'s start or the joining; setting it needs the caller to have a passkey (else FAILED_PRECONDITION).',
      [Code.BAD_USER_INPUT, Code.NOT_FOUND, Code.FORBIDDEN, Code.FAILED_PRECONDITION],
    ),
  })
  updateOrganizationSecuritySettings(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input', { description: 'The organization, whether 2FA is required, and the grace period.' }) input: UpdateOrganizationSecuritySettingsInput,
  ): Promise<OrganizationSecuritySettings> {
    return this.securitySettings.update(session.user, input);
  }
}
