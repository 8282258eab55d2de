import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { OrganizationRole } from '../../organizations/models/organization-role.model';
import { User } from '../../users/models/user.model';

export enum InvitationStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
}

registerEnumType(InvitationStatus, { name: 'InvitationStatus' });

@ObjectType()
export class OrganizationInvitation {
  @Field(() => ID)
  id: string;

  @Field()
  email: string;

  @Field(() => OrganizationRole)
  role: OrganizationRole;

  @Field(() => InvitationStatus)
  status: InvitationStatus;

  @Field(() => ID)
  organizationId: string;

  @Field()
  organizationName: string;

  @Field(() => User, { nullable: true })
  invitedBy: User | null;

  @Field()
  createdAt: Date;

  @Field()
  expiresAt: Date;

  @Field({ description: 'True when the organization requires 2FA: the invitee sees it before accepting.' })
  requiresTwoFactor: boolean;
}
