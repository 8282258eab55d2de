import { Field, ID, InputType } from '@nestjs/graphql';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { PlainName } from '../../common/plain-name.decorator';
import { MAX_WEBAUTHN_RESPONSE_LENGTH } from '../utils/webauthn-json.util';

export const MAX_PASSKEY_NAME_LENGTH = 64;

@InputType({ description: 'The answer to startPasskeyRegistration, and a name for the new passkey.' })
export class FinishPasskeyRegistrationInput {
  @Field({ description: "A label the user chooses, e.g. 'MacBook Touch ID'." })
  @IsString()
  @PlainName()
  @MaxLength(MAX_PASSKEY_NAME_LENGTH)
  name: string;

  @Field({ description: "The JSON text of the WebAuthn RegistrationResponseJSON answering startPasskeyRegistration's options." })
  @IsString()
  @MaxLength(MAX_WEBAUTHN_RESPONSE_LENGTH)
  response: string;
}

@InputType({ description: 'A passkey of the user and its new name.' })
export class RenamePasskeyInput {
  @Field(() => ID, { description: 'Passkey.id from passkeys.' })
  @IsString()
  @MaxLength(64)
  id: string;

  @Field({ description: 'At most 64 characters; surrounding spaces are dropped.' })
  @IsString()
  @PlainName()
  @MaxLength(MAX_PASSKEY_NAME_LENGTH)
  name: string;
}

@InputType({ description: 'The answer to startPasskeySignIn.' })
export class FinishPasskeySignInInput {
  @Field({ description: "The JSON text of the WebAuthn AuthenticationResponseJSON answering startPasskeySignIn's options; its userHandle names the account." })
  @IsString()
  @MaxLength(MAX_WEBAUTHN_RESPONSE_LENGTH)
  response: string;

  @Field(() => Boolean, { nullable: true, description: 'Issue a trustedDeviceToken, as verifyLoginSecondFactor does.' })
  @IsOptional()
  @IsBoolean()
  rememberDevice?: boolean | null;
}
