import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AllowDuringForcedTwoFactorSetup, AllowPendingSecondFactor, Public } from '../common/access.decorators';
import { PASSWORD_MAX_LENGTH } from '../auth/dto/auth.inputs';
import { AuthPayload } from '../auth/models/auth-payload.model';
import { AppError, ErrorCode as Code } from '../common/app-error';
import { describeOperation } from '../common/error-codes';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { CurrentSession } from '../common/current-session.decorator';
import { requireUuid } from '../common/ids';
import { FinishPasskeyRegistrationInput, FinishPasskeySignInInput, RenamePasskeyInput } from './dto/passkey.inputs';
import { Passkey } from './models/passkey.model';
import { PasskeyRegistrationService } from './passkey-registration.service';
import { PasskeysService } from './passkeys.service';

/** Scalar arguments are not class-validated: bound the password's size before any work. */
function boundedPassword(password: string): string {
  if (password.length > PASSWORD_MAX_LENGTH) throw AppError.badInput([{ field: 'password', message: `must be at most ${PASSWORD_MAX_LENGTH} characters` }]);
  return password;
}

@Resolver()
export class PasskeysResolver {
  constructor(
    private readonly service: PasskeysService,
    private readonly registration: PasskeyRegistrationService,
  ) {}

  @Query(() => [Passkey], { description: "The user's passkeys and security keys, oldest first." })
  passkeys(@CurrentSession() session: AuthenticatedSession): Promise<Passkey[]> {
    return this.service.list(session.userId);
  }

  // Open while a phishing-resistant rule holds the session: registering a key is how one gets out.
  @AllowDuringForcedTwoFactorSetup()
  @Mutation(() => String, {
    description: describeOperation(
      "FULL session of a user with 2FA on, and the password again. Returns the JSON text of PublicKeyCredentialCreationOptionsJSON (rp id WEBAUTHN_RP_ID, attestation none, the user's passkeys excluded); valid 5 minutes, single use.",
      [Code.BAD_USER_INPUT, Code.INVALID_CREDENTIALS, Code.TOO_MANY_ATTEMPTS, Code.FAILED_PRECONDITION],
    ),
  })
  startPasskeyRegistration(
    @CurrentSession() session: AuthenticatedSession,
    @Args('password', { description: 'Checked against the login limit: wrong ones count like failed logins.' }) password: string,
  ): Promise<string> {
    return this.registration.startRegistration(session, boundedPassword(password));
  }

  @AllowDuringForcedTwoFactorSetup()
  @Mutation(() => Passkey, {
    description: describeOperation(
      "Answers startPasskeyRegistration's options with the browser's RegistrationResponseJSON and saves the passkey under the given name. A response for another, a used or an expired challenge, another origin or another rp id is INVALID_CODE: start again.",
      [Code.BAD_USER_INPUT, Code.INVALID_CODE],
    ),
  })
  finishPasskeyRegistration(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input', { description: 'The name and the RegistrationResponseJSON text.' }) input: FinishPasskeyRegistrationInput,
  ): Promise<Passkey> {
    return this.registration.finishRegistration(session, input);
  }

  @Mutation(() => Passkey, {
    description: describeOperation("Gives a passkey a new name. Another user's passkey id is NOT_FOUND.", [Code.BAD_USER_INPUT, Code.NOT_FOUND]),
  })
  renamePasskey(@CurrentSession() session: AuthenticatedSession, @Args('input', { description: 'Passkey.id and the new name.' }) input: RenamePasskeyInput): Promise<Passkey> {
    return this.service.rename(session.userId, requireUuid(input.id, 'The passkey'), input.name);
  }

  @Mutation(() => Boolean, {
    description: describeOperation(
      "Needs the password. Removes a passkey: it no longer signs in. Another user's passkey id is NOT_FOUND.",
      [Code.BAD_USER_INPUT, Code.INVALID_CREDENTIALS, Code.TOO_MANY_ATTEMPTS, Code.NOT_FOUND],
    ),
  })
  async removePasskey(
    @CurrentSession() session: AuthenticatedSession,
    @Args('id', { type: () => ID, description: 'Passkey.id from passkeys.' }) id: string,
    @Args('password', { description: 'Checked against the login limit: wrong ones count like failed logins.' }) password: string,
  ): Promise<boolean> {
    await this.service.remove(session, requireUuid(id, 'The passkey'), boundedPassword(password));
    return true;
  }

  @AllowPendingSecondFactor()
  @Mutation(() => String, {
    description: describeOperation(
      'Pending (PASSWORD) session of a user with passkeys: the JSON text of PublicKeyCredentialRequestOptionsJSON allowing them; valid 5 minutes, single use. Answer with verifyLoginSecondFactor(passkeyResponse).',
      [Code.FAILED_PRECONDITION],
    ),
  })
  startPasskeySecondFactor(@CurrentSession() session: AuthenticatedSession): Promise<string> {
    return this.service.startSecondFactor(session);
  }

  @Public()
  @Mutation(() => String, {
    description: describeOperation(
      'Public. The JSON text of PublicKeyCredentialRequestOptionsJSON for a discoverable passkey: no allowCredentials, userVerification required, rp id WEBAUTHN_RP_ID; valid 5 minutes, single use. Throttled per client address like login.',
      [Code.TOO_MANY_ATTEMPTS],
    ),
  })
  startPasskeySignIn(): Promise<string> {
    return this.service.startSignIn();
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description: describeOperation(
      "Public. Verifies the assertion against the challenge of startPasskeySignIn (once), the credential's public key, origin, rp id, user verification and counter. Answers AUTHENTICATED with a FULL session, or TWO_FACTOR_SETUP_REQUIRED where an organization's rule is not met; the same INVALID_CREDENTIALS for an unknown credential, a wrong signature, a replayed or foreign challenge and a missing user verification. Counts against the account's lockout like a wrong second factor; records PASSKEY_SIGN_IN_SUCCEEDED or PASSKEY_SIGN_IN_FAILED.",
      [Code.BAD_USER_INPUT, Code.INVALID_CREDENTIALS, Code.TOO_MANY_ATTEMPTS],
    ),
  })
  finishPasskeySignIn(@Args('input', { description: 'The assertion, and whether to remember this browser.' }) input: FinishPasskeySignInInput): Promise<AuthPayload> {
    return this.service.finishSignIn(input.response, Boolean(input.rememberDevice));
  }
}
