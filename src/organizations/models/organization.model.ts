import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { User } from '../../users/models/user.model';
import { OrganizationRole } from './organization-role.model';

@ObjectType()
export class OrganizationSecuritySettings {
  @Field()
  requireTwoFactor: boolean;

  @Field(() => Int, { description: 'Hours that members without 2FA keep working after the requirement is turned on; 0 means at once.' })
  twoFactorGracePeriodHours: number;

  @Field(() => Date, { nullable: true })
  updatedAt: Date | null;

  @Field(() => User, { nullable: true })
  updatedBy: User | null;
}

@ObjectType()
export class Organization {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => OrganizationRole)
  myRole: OrganizationRole;

  @Field(() => OrganizationSecuritySettings)
  securitySettings: OrganizationSecuritySettings;

  @Field()
  createdAt: Date;
}

@ObjectType()
export class OrganizationMember {
  @Field(() => User)
  user: User;

  @Field(() => OrganizationRole)
  role: OrganizationRole;

  @Field()
  joinedAt: Date;
}
