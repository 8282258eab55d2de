import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AllowPendingSecondFactor } from '../auth/decorators/access.decorators';
import { PASSWORD_MAX_LENGTH } from '../auth/dto/auth.inputs';
import { AppError } from '../common/app-error';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { CurrentSession } from '../common/current-session.decorator';
import { requireUuid } from '../common/ids';
import { FinishPasskeyRegistrationInput, RenamePasskeyInput } from './dto/passkey.inputs';
import { Passkey } from './models/passkey.model';
import { PasskeysService } from './passkeys.service';

/** Scalar arguments are not class-validated: bound the password's size before any work. */
function boundedPassword(password: string): string {
  if (password.length > PASSWORD_MAX_LENGTH) throw AppError.badInput([{ field: 'password', message: `must be at most ${PASSWORD_MAX_LENGTH} characters` }]);
  return password;
}

@Resolver()
export class PasskeysResolver {
  constructor(private readonly service: PasskeysService) {}

  @Query(() => [Passkey])
  passkeys(@CurrentSession() session: AuthenticatedSession): Promise<Passkey[]> {
    return this.service.list(session.userId);
  }

  @Mutation(() => String, {
    description:
      'FULL session of a user with 2FA on, and the password again. Returns the JSON text of PublicKeyCredentialCreationOptionsJSON (rp id WEBAUTHN_RP_ID, attestation none, the user\'s passkeys excluded); valid 5 minutes, single use.',
  })
  startPasskeyRegistration(@CurrentSession() session: AuthenticatedSession, @Args('password') password: string): Promise<string> {
    return this.service.startRegistration(session, boundedPassword(password));
  }

  @Mutation(() => Passkey)
  finishPasskeyRegistration(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input') input: FinishPasskeyRegistrationInput,
  ): Promise<Passkey> {
    return this.service.finishRegistration(session, input);
  }

  @Mutation(() => Passkey)
  renamePasskey(@CurrentSession() session: AuthenticatedSession, @Args('input') input: RenamePasskeyInput): Promise<Passkey> {
    return this.service.rename(session.userId, requireUuid(input.id, 'The passkey'), input.name);
  }

  @Mutation(() => Boolean, { description: 'Needs the password.' })
  async removePasskey(
    @CurrentSession() session: AuthenticatedSession,
    @Args('id', { type: () => ID }) id: string,
    @Args('password') password: string,
  ): Promise<boolean> {
    await this.service.remove(session, requireUuid(id, 'The passkey'), boundedPassword(password));
    return true;
  }

  @AllowPendingSecondFactor()
  @Mutation(() => String, {
    description:
      'Pending (PASSWORD) session of a user with passkeys: the JSON text of PublicKeyCredentialRequestOptionsJSON allowing them; valid 5 minutes, single use. Answer with verifyLoginSecondFactor(passkeyResponse).',
  })
  startPasskeySecondFactor(@CurrentSession() session: AuthenticatedSession): Promise<string> {
    return this.service.startSecondFactor(session);
  }
}
