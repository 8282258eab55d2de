import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AllowDuringForcedTwoFactorSetup, AllowPendingSecondFactor } from '../common/access.decorators';
import { AuthPayload } from '../auth/models/auth-payload.model';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { CurrentSession } from '../common/current-session.decorator';
import { DisableTwoFactorInput, MAX_CODE_INPUT_LENGTH, ResetMemberTwoFactorInput, VerifyLoginSecondFactorInput } from './dto/two-factor.inputs';
import { OrganizationMember } from '../organizations/models/organization.model';
import { RecoveryCodes, TotpEnrollment, TwoFactorSetup, TwoFactorStatus } from './models/two-factor.models';
import { TwoFactorSetupService } from './two-factor-setup.service';
import { MemberTwoFactorResetService } from './member-two-factor-reset.service';
import { TwoFactorStatusService } from './two-factor-status.service';
import { TwoFactorService } from './two-factor.service';
import { AppError, ErrorCode as Code, ServerErrorCode } from '../common/app-error';
import { describeOperation } from '../common/error-codes';
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
    private readonly statuses: TwoFactorStatusService,
    private readonly memberReset: MemberTwoFactorResetService,
  ) {}

  @AllowDuringForcedTwoFactorSetup()
  @Query(() => TwoFactorStatus, { description: "The user's 2FA: on or off, recovery codes left, an unfinished setup's step, and whether (and by when) an organization requires it. Open during forced setup." })
  twoFactorStatus(@CurrentSession() session: AuthenticatedSession): Promise<TwoFactorStatus> {
    return this.statuses.status(session);
  }

  @AllowPendingSecondFactor()
  @Mutation(() => AuthPayload, {
    description: describeOperation(
      'The second step of login, called with the pending token from login: exactly one of a code from the authenticator app, a recovery code or a passkey answer (startPasskeySecondFactor). Returns a new full token (the pending one stops working) and, with rememberDevice: true, a trustedDeviceToken. 5 wrong codes end the pending session (attemptsRemaining: 0; sign in again); 10 wrong codes in a row lock the account\'s second factor for 15 minutes and mail the user. Where an organization accepts only phishing-resistant factors for the user\'s role and the user has a passkey, an app code is FORBIDDEN (not spent, not counted) and a recovery code signs in held to passkey registration (TWO_FACTOR_SETUP_REQUIRED).',
      [Code.BAD_USER_INPUT, Code.INVALID_CODE, Code.TOO_MANY_ATTEMPTS, Code.FAILED_PRECONDITION, Code.UNAUTHENTICATED, Code.FORBIDDEN],
    ),
  })
  verifyLoginSecondFactor(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input', { description: 'code, recoveryCode or passkeyResponse, and rememberDevice.' }) input: VerifyLoginSecondFactorInput,
  ): Promise<AuthPayload> {
    return this.twoFactor.verifyLoginSecondFactor(session, input);
  }

  @AllowDuringForcedTwoFactorSetup()
  @Mutation(() => TwoFactorSetup, {
    description: describeOperation(
      'Step 1 of 4. Begins (or restarts) setup and emails a 6-digit verification code to the login email (valid 10 minutes; a new one at most once a minute). Nothing is saved to the account until completeTwoFactorSetup; an unfinished setup expires after 30 minutes.',
      [Code.CONFLICT, Code.TOO_MANY_ATTEMPTS, ServerErrorCode.SERVICE_UNAVAILABLE],
    ),
  })
  startTwoFactorSetup(@CurrentSession() session: AuthenticatedSession): Promise<TwoFactorSetup> {
    return this.setup.start(session);
  }

  @AllowDuringForcedTwoFactorSetup()
  @Mutation(() => TotpEnrollment, {
    description: describeOperation(
      'Step 2 of 4. Checks the emailed code and returns the authenticator-app enrollment: otpauth URI, QR code and manual key. 5 wrong tries void the code (attemptsRemaining: 0; ask for a new one).',
      [Code.BAD_USER_INPUT, Code.INVALID_CODE, Code.CODE_EXPIRED, Code.FAILED_PRECONDITION, Code.CONFLICT],
    ),
  })
  verifyTwoFactorSetupEmail(
    @CurrentSession() session: AuthenticatedSession,
    @Args('code', { description: 'The 6-digit code from the email.' }) code: string,
  ): Promise<TotpEnrollment> {
    return this.setup.verifyEmail(session, boundedArg(code, 'code', MAX_CODE_INPUT_LENGTH));
  }

  @AllowDuringForcedTwoFactorSetup()
  @Mutation(() => RecoveryCodes, {
    description: describeOperation(
      'Step 3 of 4. Checks a code from the authenticator app and returns the 10 recovery codes to save (shown only now).',
      [Code.BAD_USER_INPUT, Code.INVALID_CODE, Code.CODE_EXPIRED, Code.FAILED_PRECONDITION, Code.CONFLICT],
    ),
  })
  confirmTwoFactorSetup(
    @CurrentSession() session: AuthenticatedSession,
    @Args('code', { description: 'The current 6-digit code from the authenticator app.' }) code: string,
  ): Promise<RecoveryCodes> {
    return this.setup.confirmApp(session, boundedArg(code, 'code', MAX_CODE_INPUT_LENGTH));
  }

  @AllowDuringForcedTwoFactorSetup()
  @Mutation(() => AuthPayload, {
    description: describeOperation(
      'Step 4 of 4. Turns 2FA on and returns a new full token (the current one stops working). Every other session of the user ends: none of them gave a second factor.',
      [Code.BAD_USER_INPUT, Code.CODE_EXPIRED, Code.FAILED_PRECONDITION, Code.CONFLICT],
    ),
  })
  completeTwoFactorSetup(
    @CurrentSession() session: AuthenticatedSession,
    @Args('recoveryCodesSaved', { description: 'Must be true: the user says the recovery codes are saved.' }) recoveryCodesSaved: boolean,
  ): Promise<AuthPayload> {
    return this.setup.complete(session, recoveryCodesSaved);
  }

  @AllowDuringForcedTwoFactorSetup()
  @Mutation(() => Boolean, { description: 'Drops an unfinished setup at any step; nothing was saved to the account. Always true.' })
  cancelTwoFactorSetup(@CurrentSession() session: AuthenticatedSession): Promise<boolean> {
    return this.setup.cancel(session);
  }

  @Mutation(() => RecoveryCodes, {
    description: describeOperation(
      'Needs the password (wrong ones count against the login limit). Returns a new set of 10; the old set keeps working until confirmRecoveryCodesReissue.',
      [Code.BAD_USER_INPUT, Code.INVALID_CREDENTIALS, Code.TOO_MANY_ATTEMPTS, Code.FAILED_PRECONDITION],
    ),
  })
  reissueRecoveryCodes(
    @CurrentSession() session: AuthenticatedSession,
    @Args('password', { description: "The user's password, at most 128 characters." }) password: string,
  ): Promise<RecoveryCodes> {
    return this.twoFactor.reissueRecoveryCodes(session, boundedArg(password, 'password', PASSWORD_MAX_LENGTH));
  }

  @Mutation(() => TwoFactorStatus, {
    description: describeOperation('From here on only the new set from reissueRecoveryCodes works.', [Code.BAD_USER_INPUT, Code.FAILED_PRECONDITION]),
  })
  confirmRecoveryCodesReissue(
    @CurrentSession() session: AuthenticatedSession,
    @Args('recoveryCodesSaved', { description: 'Must be true: the user says the new codes are saved.' }) recoveryCodesSaved: boolean,
  ): Promise<TwoFactorStatus> {
    return this.twoFactor.confirmRecoveryCodesReissue(session, recoveryCodesSaved);
  }

  @Mutation(() => TwoFactorStatus, {
    description: describeOperation(
      'Turns 2FA off with the password and one working code (app or recovery). Removes the secret, the recovery codes and all trusted devices, and mails the user.',
      [Code.BAD_USER_INPUT, Code.INVALID_CREDENTIALS, Code.INVALID_CODE, Code.TOO_MANY_ATTEMPTS, Code.FAILED_PRECONDITION],
    ),
  })
  disableTwoFactor(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input', { description: 'The password and exactly one of code and recoveryCode.' }) input: DisableTwoFactorInput,
  ): Promise<TwoFactorStatus> {
    return this.twoFactor.disable(session, input);
  }

  @Mutation(() => OrganizationMember, {
    description: describeOperation(
      "OWNER or ADMIN with 2FA on, confirming with a fresh code or recovery code of their own. An ADMIN cannot reset an OWNER and nobody resets themselves (FORBIDDEN). Turns the member's 2FA off: authenticator, recovery codes, passkeys and trusted devices are removed, every session of the member ends, the member is mailed, and TWO_FACTOR_RESET_BY_ADMIN is recorded with the caller as actor. Where an organization requires 2FA, the member must set it up again at the next login. A member without 2FA (or one another admin has just reset) is FAILED_PRECONDITION, as is a caller without 2FA; an organization or member that is not the caller's to see is NOT_FOUND. Wrong codes count toward the caller's own second-factor lock.",
      [Code.BAD_USER_INPUT, Code.NOT_FOUND, Code.FORBIDDEN, Code.FAILED_PRECONDITION, Code.INVALID_CODE, Code.TOO_MANY_ATTEMPTS],
    ),
  })
  resetMemberTwoFactor(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input', { description: "The organization, the member, and exactly one of the caller's code and recoveryCode." }) input: ResetMemberTwoFactorInput,
  ): Promise<OrganizationMember> {
    return this.memberReset.reset(session, input);
  }
}
