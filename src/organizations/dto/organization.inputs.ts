import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsEnum, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { OrganizationRole } from '../models/organization-role.model';
import { NormalisedEmail } from '../../users/dto/normalised-email.decorator';

export const ORGANIZATION_NAME_MAX_LENGTH = 100;
export const MAX_GRACE_PERIOD_HOURS = 720;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

// Ids are only checked to be strings here: an id that is not a UUID names nothing the caller can
// see, so the service answers it with NOT_FOUND (requireUuid), not BAD_USER_INPUT.

@InputType()
export class CreateOrganizationInput {
  @Field()
  @Transform(trim)
  @IsString()
  @Length(1, ORGANIZATION_NAME_MAX_LENGTH, { message: `must be 1 to ${ORGANIZATION_NAME_MAX_LENGTH} characters` })
  name: string;
}

@InputType()
export class AddOrganizationMemberInput {
  @Field(() => ID)
  @IsString()
  organizationId: string;

  @Field({ description: "An existing user's login email." })
  @NormalisedEmail()
  @MaxLength(254)
  @IsEmail({}, { message: 'must be an email address' })
  email: string;

  @Field(() => OrganizationRole)
  @IsEnum(OrganizationRole)
  role: OrganizationRole;
}

/** Names one member of one organization. */
@InputType()
export class RemoveOrganizationMemberInput {
  @Field(() => ID)
  @IsString()
  organizationId: string;

  @Field(() => ID)
  @IsString()
  userId: string;
}

@InputType()
export class UpdateOrganizationMemberRoleInput extends RemoveOrganizationMemberInput {
  @Field(() => OrganizationRole)
  @IsEnum(OrganizationRole)
  role: OrganizationRole;
}

@InputType()
export class UpdateOrganizationSecuritySettingsInput {
  @Field(() => ID)
  @IsString()
  organizationId: string;

  @Field()
  @IsBoolean()
  requireTwoFactor: boolean;

  /** Left out, the organization keeps its current grace period. */
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0, { message: `must be between 0 and ${MAX_GRACE_PERIOD_HOURS}` })
  @Max(MAX_GRACE_PERIOD_HOURS, { message: `must be between 0 and ${MAX_GRACE_PERIOD_HOURS}` })
  twoFactorGracePeriodHours?: number | null;
}
