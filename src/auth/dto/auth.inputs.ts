import { Field, InputType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { PlainName } from '../../common/plain-name.decorator';
import { NormalisedEmail } from '../../users/dto/normalised-email.decorator';


export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;
/** How a new password is judged beyond its length (utils/password-rules.util.ts). */
const PASSWORD_RULE =
  'Refused (BAD_USER_INPUT, extensions.fields[].reason) when on the shipped list of breached and common passwords (BREACHED), too easy to guess (GUESSABLE), or built from the email address or the name (PERSONAL).';

@InputType({ description: 'A new account.' })
export class SignUpInput {
  @Field({ description: 'Login email, at most 254 characters. Stored trimmed, Unicode NFC and lower-cased; refused when it contains invisible characters or mixes alphabets (a Cyrillic "о" among Latin letters).' })
  @NormalisedEmail()
  @MaxLength(254)
  @IsEmail({}, { message: 'must be an email address' })
  email: string;

  @Field({ description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, any characters. ${PASSWORD_RULE}` })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, { message: `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters` })
  password: string;

  @Field(() => String, { nullable: true, description: 'Display name, trimmed, at most 100 characters; one line, without control characters.' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @PlainName()
  @MaxLength(100)
  name?: string | null;
}

@InputType({ description: 'Email and password, and the trusted-device token if this browser has one.' })
export class LoginInput {
  @Field({ description: 'Login email, in any case (normalised as at sign-up).' })
  @NormalisedEmail()
  @MaxLength(254)
  @IsEmail({}, { message: 'must be an email address' })
  email: string;

  /** Only the upper bound: a wrong-length password is simply a wrong password. */
  @Field({ description: `At most ${PASSWORD_MAX_LENGTH} characters.` })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;

  @Field(() => String, { nullable: true, description: 'From an earlier verifyLoginSecondFactor with rememberDevice: true. Forget it when the answer says trustedDeviceRejected.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  trustedDeviceToken?: string | null;
}

@InputType({ description: 'The current password (step-up check) and the new one.' })
export class ChangePasswordInput {
  @Field({ description: 'Checked against the login limit: wrong ones count like failed logins.' })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword: string;

  @Field({ description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters. ${PASSWORD_RULE}` })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, { message: `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters` })
  newPassword: string;
}

@InputType({ description: 'The token from the reset link and the new password.' })
export class ResetPasswordInput {
  @Field({ description: 'The token from the reset link in the mail.' })
  @IsString()
  @MaxLength(100)
  token: string;

  @Field({ description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters. ${PASSWORD_RULE}` })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, { message: `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters` })
  newPassword: string;
}
