import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEmail, IsEnum, IsString, MaxLength } from 'class-validator';
import { OrganizationRole } from '../../organizations/models/organization-role.model';
import { NormalisedEmail } from '../../users/dto/normalised-email.decorator';

@InputType()
export class InviteOrganizationMemberInput {
  /** Only checked to be a string: an id that is not a UUID is NOT_FOUND in the service. */
  @Field(() => ID)
  @IsString()
  organizationId: string;

  @Field()
  @NormalisedEmail()
  @MaxLength(254)
  @IsEmail({}, { message: 'must be an email address' })
  email: string;

  @Field(() => OrganizationRole)
  @IsEnum(OrganizationRole)
  role: OrganizationRole;
}
