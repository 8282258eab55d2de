import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { User } from '../../users/models/user.model';
import { OrganizationRole } from './organization-role.model';
import { AllowedSecondFactors } from './allowed-second-factors.model';
import type { OrganizationEntity } from '../entities/organization.entity';

@ObjectType({ description: "An organization's 2FA requirement." })
export class OrganizationSecuritySettings {
  @Field({ description: 'Members without 2FA must set it up (after the grace period).' })
  requireTwoFactor: boolean;

  @Field(() => Int, { description: 'Hours that members without 2FA keep working after the requirement is turned on; 0 means at once.' })
  twoFactorGracePeriodHours: number;

  @Field(() => AllowedSecondFactors, { description: 'The factors that satisfy the requirement for OWNER and ADMIN members. Default ANY.' })
  adminSecondFactors: AllowedSecondFactors;

  @Field(() => AllowedSecondFactors, { description: 'The factors that satisfy the requirement for MEMBER members. Default ANY.' })
  memberSecondFactors: AllowedSecondFactors;

  @Field(() => Date, { nullable: true, description: 'Last change; null if never changed.' })
  updatedAt: Date | null;

  @Field(() => User, { nullable: true, description: 'Who made the last change.' })
  updatedBy: User | null;
}

@ObjectType({ description: 'A team that can require 2FA of its members.' })
export class Organization {
  @Field(() => ID, { description: 'Stable id (a UUID); give it to the operations that take organizationId.' })
  id: string;

  @Field({ description: 'Display name.' })
  name: string;

  @Field(() => OrganizationRole, { description: "The signed-in user's role here." })
  myRole: OrganizationRole;

  @Field(() => OrganizationSecuritySettings, { description: 'The 2FA requirement.' })
  securitySettings: OrganizationSecuritySettings;

  @Field({ description: 'When it was created.' })
  createdAt: Date;
}

@ObjectType({ description: 'A user in an organization; user.twoFactorEnabled is their 2FA status.' })
export class OrganizationMember {
  @Field(() => User, { description: 'The member.' })
  user: User;

  @Field(() => OrganizationRole, { description: 'Their role here.' })
  role: OrganizationRole;

  @Field({ description: 'When they were added.' })
  joinedAt: Date;
}

export function toOrganization(organization: OrganizationEntity, myRole: OrganizationRole, settingsUpdatedBy: User | null): Organization {
  return {
    id: organization.id,
    name: organization.name,
    myRole,
    securitySettings: toSecuritySettings(organization, settingsUpdatedBy),
    createdAt: organization.createdAt,
  };
}

export function toSecuritySettings(organization: OrganizationEntity, updatedBy: User | null): OrganizationSecuritySettings {
  return {
    requireTwoFactor: organization.requireTwoFactor,
    twoFactorGracePeriodHours: organization.twoFactorGracePeriodHours,
    adminSecondFactors: organization.adminSecondFactors,
    memberSecondFactors: organization.memberSecondFactors,
    updatedAt: organization.settingsUpdatedAt,
    updatedBy,
  };
}
