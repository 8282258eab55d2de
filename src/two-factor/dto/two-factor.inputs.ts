import { Field, InputType } from '@nestjs/graphql';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../../auth/dto/auth.inputs';

/** Generous for "123 456" or "ab1c0-de2fg" typed with spaces; anything longer is not a code. */
export const MAX_CODE_INPUT_LENGTH = 32;

@InputType()
export class VerifyLoginSecondFactorInput {
  @Field(() => String, { nullable: true, description: 'A 6-digit code from the authenticator app; give this or recoveryCode.' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CODE_INPUT_LENGTH)
  code?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CODE_INPUT_LENGTH)
  recoveryCode?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Issue a trustedDeviceToken so this device skips the second factor next time.' })
  @IsOptional()
  @IsBoolean()
  rememberDevice?: boolean | null;
}

@InputType()
export class DisableTwoFactorInput {
  @Field()
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;

  @Field(() => String, { nullable: true, description: 'Give exactly one of code and recoveryCode.' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CODE_INPUT_LENGTH)
  code?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CODE_INPUT_LENGTH)
  recoveryCode?: string | null;
}
