import { Field, ID, InputType } from '@nestjs/graphql';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../../auth/dto/auth.inputs';
import { MAX_WEBAUTHN_RESPONSE_LENGTH } from '../../passkeys/utils/webauthn-json.util';

/** Generous for "123 456" or "ab1c0-de2fg" typed with spaces; anything longer is not a code. */
export const MAX_CODE_INPUT_LENGTH = 32;

/** A second factor as the user gives it: exactly one of the two (checked by the service). */
@InputType({ isAbstract: true })
export abstract class SecondFactorCodeInput {
  @Field(() => String, { nullable: true, description: 'A 6-digit code from the authenticator app; give exactly one second factor (the input says which it takes).' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CODE_INPUT_LENGTH)
  code?: string | null;

  @Field(() => String, { nullable: true, description: 'One of the saved recovery codes (xxxxx-xxxxx, any case, dash optional).' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CODE_INPUT_LENGTH)
  recoveryCode?: string | null;
}

@InputType({ description: 'The second factor at login: exactly one of code, recoveryCode and passkeyResponse.' })
export class VerifyLoginSecondFactorInput extends SecondFactorCodeInput {
  @Field(() => String, {
    nullable: true,
    description: "The JSON text of a WebAuthn AuthenticationResponseJSON answering startPasskeySecondFactor's options. Give exactly one of code, recoveryCode and passkeyResponse.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_WEBAUTHN_RESPONSE_LENGTH)
  passkeyResponse?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Issue a trustedDeviceToken so this device skips the second factor next time.' })
  @IsOptional()
  @IsBoolean()
  rememberDevice?: boolean | null;
}

@InputType({ description: 'The password and one working code: exactly one of code and recoveryCode.' })
export class DisableTwoFactorInput extends SecondFactorCodeInput {
  @Field({ description: 'Checked against the login limit: wrong ones count like failed logins.' })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;
}

@InputType({ description: "Whose second factor to reset, and the caller's own fresh code: exactly one of code and recoveryCode." })
export class ResetMemberTwoFactorInput {
  // Ids are only checked to be strings: one that is not a UUID names nothing the caller can see (NOT_FOUND).
  @Field(() => ID, { description: 'Organization.id of an organization where the caller is OWNER or ADMIN.' })
  @IsString()
  organizationId: string;

  @Field(() => ID, { description: "The member's User.id." })
  @IsString()
  userId: string;

  @Field(() => String, {
    nullable: true,
    description: "The caller's own current authenticator code; give this or recoveryCode (a fresh second factor for a dangerous action).",
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CODE_INPUT_LENGTH)
  code?: string | null;

  @Field(() => String, { nullable: true, description: "One of the caller's own saved recovery codes; give this or code." })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CODE_INPUT_LENGTH)
  recoveryCode?: string | null;
}
