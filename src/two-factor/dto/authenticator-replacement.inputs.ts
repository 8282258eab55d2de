import { Field, InputType } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../../auth/dto/auth.inputs';
import { SecondFactorCodeInput } from './two-factor.inputs';

@InputType({ description: 'The password and one working code of the current authenticator: exactly one of code and recoveryCode.' })
export class StartAuthenticatorReplacementInput extends SecondFactorCodeInput {
  @Field({ description: 'Checked against the login limit: wrong ones count like failed logins.' })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;
}
