import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsEnum, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { AllowedSecondFactors } from '../models/allowed-second-factors.model';
import { OrganizationRole } from '../models/organization-role.model';
import { PlainName } from '../../common/plain-name.decorator';
import { NormalisedEmail } from '../../users/dto/normalised-email.decorator';

export const ORGANIZATION_NAME_MAX_LENGTH = 100;
export const MAX_GRACE_PERIOD_HOURS = 720;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

// Ids are only checked to be strings here: an id that is not a UUID names nothing the caller can
// see, so the service answers it with NOT_FOUND (requireUuid), not BAD_USER_INPUT.

@InputType({ description: 'A new organization.' })
export class CreateOrganizationInput {
  @Field({ description: `1 to ${ORGANIZATION_NAME_MAX_LENGTH} characters, trimmed; one line, without control characters.` })
  @Transform(trim)
  @IsString()
  @PlainName()
  @Length(1, ORGANIZATION_NAME_MAX_LENGTH, { message: `must be 1 to ${ORGANIZATION_NAME_MAX_LENGTH} characters` })
  name: string;
}

@InputType({ description: 'Who joins which organization, with what role.' })
export class AddOrganizationMemberInput {
  @Field(() => ID, { description: 'Organization.id.' })
  @IsString()
  organizationId: string;

  @Field({ description: "An existing user's login email." })
  @NormalisedEmail()
  @MaxLength(254)
  @IsEmail({}, { message: 'must be an email address' })
  email: string;

  @Field(() => OrganizationRole, { description: 'OWNER only when the caller is an OWNER.' })
  @IsEnum(OrganizationRole)
  role: OrganizationRole;
}

/** Names one member of one organization. */
@InputType({ description: 'One member of one organization.' })
export class RemoveOrganizationMemberInput {
  @Field(() => ID, { description: 'Organization.id.' })
  @IsString()
  organizationId: string;

  @Field(() => ID, { description: "The member's User.id." })
  @IsString()
  userId: string;
}

@InputType({ description: 'One member of one organization and their new role.' })
export class UpdateOrganizationMemberRoleInput extends RemoveOrganizationMemberInput {
  @Field(() => OrganizationRole, { description: 'Granting or taking OWNER needs an OWNER.' })
  @IsEnum(OrganizationRole)
  role: OrganizationRole;
}

@InputType({ description: "An organization's 2FA requirement." })
export class UpdateOrganizationSecuritySettingsInput {
  @Field(() => ID, { description: 'Organization.id.' })
  @IsString()
  organizationId: string;

  @Field({ description: 'Turning it on needs the caller to have 2FA on.' })
  @IsBoolean()
  requireTwoFactor: boolean;

  @Field(() => Int, { nullable: true, description: `0 to ${MAX_GRACE_PERIOD_HOURS} hours members without 2FA keep working; left out, the current value stays.` })
  @IsOptional()
  @IsInt()
  @Min(0, { message: `must be between 0 and ${MAX_GRACE_PERIOD_HOURS}` })
  @Max(MAX_GRACE_PERIOD_HOURS, { message: `must be between 0 and ${MAX_GRACE_PERIOD_HOURS}` })
  twoFactorGracePeriodHours?: number | null;

  @Field(() => AllowedSecondFactors, {
    nullable: true,
    description: 'Omitted: unchanged. PHISHING_RESISTANT needs the caller to have a passkey themselves (else FAILED_PRECONDITION).',
  })
  @IsOptional()
  @IsEnum(AllowedSecondFactors)
  adminSecondFactors?: AllowedSecondFactors | null;

  @Field(() => AllowedSecondFactors, { nullable: true, description: 'The factors that satisfy the requirement for MEMBER members. Omitted: unchanged.' })
  @IsOptional()
  @IsEnum(AllowedSecondFactors)
  memberSecondFactors?: AllowedSecondFactors | null;
}
