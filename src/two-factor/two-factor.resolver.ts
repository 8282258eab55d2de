import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AllowDuringForcedTwoFactorSetup, AllowPendingSecondFactor } from '../auth/decorators/access.decorators';
import { AuthPayload } from '../auth/models/auth-payload.model';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { CurrentSession } from '../common/current-session.decorator';
import { DisableTwoFactorInput, MAX_CODE_INPUT_LENGTH, VerifyLoginSecondFactorInput } from './dto/two-factor.inputs';
import { RecoveryCodes, TotpEnrollment, TwoFactorSetup, TwoFactorStatus } from './models/two-factor.models';
import { TwoFactorSetupService } from './two-factor-setup.service';
import { TwoFactorService } from './two-factor.service';
import { AppError } from '../common/app-error';
import { PASSWORD_MAX_LENGTH } from '../auth/dto/auth.inputs';

/** Scalar arguments are not class-validated: bound their size here, before any work. */
function boundedArg(value: string, field: string, max: number): string {
  if (value.length > max) throw AppError.badInput([{ field, message: `must be at most ${max} characters` }]);
  return value;
}

@Resolver()
export class TwoFactorResolver {
  constructor(
    private readonly twoFactor: TwoFactorService,
    private readonly setup: TwoFactorSetupService,
  ) {}

  @AllowDuringForcedTwoFactorSetup()
  @Query(() => TwoFactorStatus)
  twoFactorStatus(@CurrentSession() session: AuthenticatedSession): Promise<TwoFactorStatus> {
    return this.twoFactor.status(session);
  }

  @AllowPendingSecondFactor()
  @Mutation(() => AuthPayload)
  verifyLoginSecondFactor(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input') input: VerifyLoginSecondFactorInput,
  ): Promise<AuthPayload> {
    return this.twoFactor.verifyLoginSecondFactor(session, input);
  }

  @AllowDuringForcedTwoFactorSetup()
  @Mutation(() => TwoFactorSetup, {
    description: 'Begins (or restarts) setup and emails a verification code to the login email. Nothing is saved to the account until completeTwoFactorSetup.',
  })
  startTwoFactorSetup(@CurrentSession() session: AuthenticatedSession): Promise<TwoFactorSetup> {
    return this.setup.start(session);
  }

  @AllowDuringForcedTwoFactorSetup()
  @Mutation(() => TotpEnrollment)
  verifyTwoFactorSetupEmail(@CurrentSession() session: AuthenticatedSession, @Args('code') code: string): Promise<TotpEnrollment> {
    return this.setup.verifyEmail(session, boundedArg(code, 'code', MAX_CODE_INPUT_LENGTH));
  }

  @AllowDuringForcedTwoFactorSetup()
  @Mutation(() => RecoveryCodes, { description: 'Checks a code from the authenticator app and returns the recovery codes to save.' })
  confirmTwoFactorSetup(@CurrentSession() session: AuthenticatedSession, @Args('code') code: string): Promise<RecoveryCodes> {
    return this.setup.confirmApp(session, boundedArg(code, 'code', MAX_CODE_INPUT_LENGTH));
  }

  @AllowDuringForcedTwoFactorSetup()
  @Mutation(() => AuthPayload, { description: 'recoveryCodesSaved must be true. Turns 2FA on and raises the session to fully signed in.' })
  completeTwoFactorSetup(
    @CurrentSession() session: AuthenticatedSession,
    @Args('recoveryCodesSaved') recoveryCodesSaved: boolean,
  ): Promise<AuthPayload> {
    return this.setup.complete(session, recoveryCodesSaved);
  }

  @AllowDuringForcedTwoFactorSetup()
  @Mutation(() => Boolean)
  cancelTwoFactorSetup(@CurrentSession() session: AuthenticatedSession): Promise<boolean> {
    return this.setup.cancel(session);
  }

  @Mutation(() => RecoveryCodes, { description: 'Needs the password. Returns a new set; the old set keeps working until confirmRecoveryCodesReissue.' })
  reissueRecoveryCodes(@CurrentSession() session: AuthenticatedSession, @Args('password') password: string): Promise<RecoveryCodes> {
    return this.twoFactor.reissueRecoveryCodes(session, boundedArg(password, 'password', PASSWORD_MAX_LENGTH));
  }

  @Mutation(() => TwoFactorStatus, { description: 'recoveryCodesSaved must be true. From here on only the new set works.' })
  confirmRecoveryCodesReissue(
    @CurrentSession() session: AuthenticatedSession,
    @Args('recoveryCodesSaved') recoveryCodesSaved: boolean,
  ): Promise<TwoFactorStatus> {
    return this.twoFactor.confirmRecoveryCodesReissue(session, recoveryCodesSaved);
  }

  @Mutation(() => TwoFactorStatus)
  disableTwoFactor(@CurrentSession() session: AuthenticatedSession, @Args('input') input: DisableTwoFactorInput): Promise<TwoFactorStatus> {
    return this.twoFactor.disable(session, input);
  }
}
