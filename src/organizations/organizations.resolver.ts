import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { SecurityEvent } from '../audit/models/security-event.model';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { CurrentSession } from '../common/current-session.decorator';
import { AllowDuringForcedTwoFactorSetup } from '../auth/decorators/access.decorators';
import {
  AddOrganizationMemberInput,
  CreateOrganizationInput,
  RemoveOrganizationMemberInput,
  UpdateOrganizationMemberRoleInput,
  UpdateOrganizationSecuritySettingsInput,
} from './dto/organization.inputs';
import { Organization, OrganizationMember, OrganizationSecuritySettings } from './models/organization.model';
import { OrganizationsService } from './organizations.service';

/** Every operation here needs a full session (deny by default); roles are checked in the service. */
@Resolver()
export class OrganizationsResolver {
  constructor(private readonly organizations: OrganizationsService) {}

  /** Open during forced setup: a member must be able to see which organization requires 2FA. */
  @AllowDuringForcedTwoFactorSetup()
  @Query(() => [Organization])
  myOrganizations(@CurrentSession() session: AuthenticatedSession): Promise<Organization[]> {
    return this.organizations.listMine(session.userId);
  }

  @Query(() => Organization)
  organization(
    @CurrentSession() session: AuthenticatedSession,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Organization> {
    return this.organizations.findForMember(session.userId, id);
  }

  @Query(() => [OrganizationMember], { description: 'OWNER and ADMIN only.' })
  organizationMembers(
    @CurrentSession() session: AuthenticatedSession,
    @Args('organizationId', { type: () => ID }) organizationId: string,
  ): Promise<OrganizationMember[]> {
    return this.organizations.listMembers(session.userId, organizationId);
  }

  @Query(() => [SecurityEvent], { description: 'OWNER and ADMIN only. Newest first (50 unless `first` says otherwise, at most 200).' })
  organizationSecurityEvents(
    @CurrentSession() session: AuthenticatedSession,
    @Args('organizationId', { type: () => ID }) organizationId: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
  ): Promise<SecurityEvent[]> {
    return this.organizations.listSecurityEvents(session.userId, organizationId, first);
  }

  @Mutation(() => Organization, { description: 'The caller becomes its OWNER.' })
  createOrganization(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input') input: CreateOrganizationInput,
  ): Promise<Organization> {
    return this.organizations.create(session.userId, input);
  }

  @Mutation(() => OrganizationMember, { description: 'OWNER and ADMIN only; only an OWNER may grant OWNER.' })
  addOrganizationMember(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input') input: AddOrganizationMemberInput,
  ): Promise<OrganizationMember> {
    return this.organizations.addMember(session.userId, input);
  }

  @Mutation(() => OrganizationMember, { description: 'OWNER and ADMIN only; only an OWNER may grant or take OWNER; the last OWNER stays.' })
  updateOrganizationMemberRole(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input') input: UpdateOrganizationMemberRoleInput,
  ): Promise<OrganizationMember> {
    return this.organizations.changeMemberRole(session.userId, input);
  }

  /** Open during forced setup so a member can leave; the service allows only leaving then. */
  @AllowDuringForcedTwoFactorSetup()
  @Mutation(() => Boolean, {
    description:
      'OWNER and ADMIN only, except that any member may remove themselves (leave), also while 2FA setup is required of them; only an OWNER may remove an OWNER; the last OWNER stays.',
  })
  async removeOrganizationMember(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input') input: RemoveOrganizationMemberInput,
  ): Promise<boolean> {
    await this.organizations.removeMember(session.user, input);
    return true;
  }

  @Mutation(() => OrganizationSecuritySettings, { description: 'OWNER and ADMIN only, and only once the caller has 2FA enabled.' })
  updateOrganizationSecuritySettings(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input') input: UpdateOrganizationSecuritySettingsInput,
  ): Promise<OrganizationSecuritySettings> {
    return this.organizations.updateSecuritySettings(session.user, input);
  }
}
