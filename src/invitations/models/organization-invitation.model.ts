import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { OrganizationRole } from '../../organizations/models/organization-role.model';
import { User } from '../../users/models/user.model';

export enum InvitationStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
}

registerEnumType(InvitationStatus, {
  name: 'InvitationStatus',
  description: 'Where an invitation stands.',
  valuesMap: {
    PENDING: { description: 'Mailed and not yet used; its link works until expiresAt.' },
    ACCEPTED: { description: 'The invitee joined with it.' },
    REVOKED: { description: 'An OWNER or ADMIN ended it; its link no longer works.' },
    EXPIRED: { description: 'Not used within 7 days; invite again for a new link.' },
  },
});

@ObjectType({ description: 'An invitation by email into an organization. Declined invitations are deleted; a newer invitation to the same address replaces a pending one.' })
export class OrganizationInvitation {
  @Field(() => ID, { description: 'For revokeOrganizationInvitation.' })
  id: string;

  @Field({ description: 'The invited address; only the account with this login email can accept.' })
  email: string;

  @Field(() => OrganizationRole, { description: 'The role the invitee gets on accepting.' })
  role: OrganizationRole;

  @Field(() => InvitationStatus, { description: 'Pending, accepted, revoked or expired.' })
  status: InvitationStatus;

  @Field(() => ID, { description: 'Organization.id of the organization it invites into.' })
  organizationId: string;

  @Field({ description: 'The organization\'s name, readable by the invitee before joining.' })
  organizationName: string;

  @Field(() => User, { nullable: true, description: 'Who sent it; null once that account is gone.' })
  invitedBy: User | null;

  @Field({ description: 'When it was sent.' })
  createdAt: Date;

  @Field({ description: 'Seven days after it was sent.' })
  expiresAt: Date;

  @Field({ description: 'True when the organization requires 2FA: the invitee sees it before accepting.' })
  requiresTwoFactor: boolean;
}
