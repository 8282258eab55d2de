import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEmail, IsEnum, IsString, MaxLength } from 'class-validator';
import { OrganizationRole } from '../../organizations/models/organization-role.model';
import { NormalisedEmail } from '../../users/dto/normalised-email.decorator';

@InputType({ description: 'Whom to invite into which organization, with what role.' })
export class InviteOrganizationMemberInput {
  /** Only checked to be a string: an id that is not a UUID is NOT_FOUND in the service. */
  @Field(() => ID, { description: 'Organization.id.' })
  @IsString()
  organizationId: string;

  @Field({ description: 'The address to mail the link to; with or without an account.' })
  @NormalisedEmail()
  @MaxLength(254)
  @IsEmail({}, { message: 'must be an email address' })
  email: string;

  @Field(() => OrganizationRole, { description: 'The role on accepting; OWNER only from an OWNER.' })
  @IsEnum(OrganizationRole)
  role: OrganizationRole;
}
