import { Field, InputType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { NormalisedEmail } from '../../users/dto/normalised-email.decorator';


export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

@InputType()
export class SignUpInput {
  @Field()
  @NormalisedEmail()
  @MaxLength(254)
  @IsEmail({}, { message: 'must be an email address' })
  email: string;

  @Field()
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, { message: `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters` })
  password: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(100)
  name?: string | null;
}

@InputType()
export class LoginInput {
  @Field()
  @NormalisedEmail()
  @MaxLength(254)
  @IsEmail({}, { message: 'must be an email address' })
  email: string;

  /** Only the upper bound: a wrong-length password is simply a wrong password. */
  @Field()
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  trustedDeviceToken?: string | null;
}

@InputType()
export class ChangePasswordInput {
  @Field()
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword: string;

  @Field()
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, { message: `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters` })
  newPassword: string;
}
