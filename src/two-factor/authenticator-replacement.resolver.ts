import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { AppError, ErrorCode as Code } from '../common/app-error';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { CurrentSession } from '../common/current-session.decorator';
import { describeOperation } from '../common/error-codes';
import { AuthenticatorReplacementService } from './authenticator-replacement.service';
import { StartAuthenticatorReplacementInput } from './dto/authenticator-replacement.inputs';
import { MAX_CODE_INPUT_LENGTH } from './dto/two-factor.inputs';
import { TotpEnrollment, TwoFactorStatus } from './models/two-factor.models';
import { TwoFactorStatusService } from './two-factor-status.service';

/** Moving the authenticator app to a new phone. */
@Resolver()
export class AuthenticatorReplacementResolver {
  constructor(
    private readonly replacement: AuthenticatorReplacementService,
    private readonly statuses: TwoFactorStatusService,
  ) {}

  @Mutation(() => TotpEnrollment, {
    description: describeOperation(
      "Starts moving the authenticator app to a new phone: the password and one working code (the current app's or a recovery code, which is spent). Returns the new secret as enrollment does; the current app keeps working until confirmAuthenticatorReplacement, within 30 minutes. A newer start replaces an older one.",
      [Code.BAD_USER_INPUT, Code.INVALID_CREDENTIALS, Code.INVALID_CODE, Code.TOO_MANY_ATTEMPTS, Code.FAILED_PRECONDITION],
    ),
  })
  startAuthenticatorReplacement(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input', { description: 'The password and a code of the current authenticator.' }) input: StartAuthenticatorReplacementInput,
  ): Promise<TotpEnrollment> {
    return this.replacement.start(session, input);
  }

  @Mutation(() => TwoFactorStatus, {
    description: describeOperation(
      "Finishes the move with a code from the new phone's app: the new secret replaces the old one at once (the old app's codes stop working), the user is mailed, and AUTHENTICATOR_REPLACED is recorded. Recovery codes, passkeys, trusted devices and sessions stay. CODE_EXPIRED after 30 minutes; FAILED_PRECONDITION when no move was started.",
      [Code.BAD_USER_INPUT, Code.INVALID_CODE, Code.CODE_EXPIRED, Code.TOO_MANY_ATTEMPTS, Code.FAILED_PRECONDITION],
    ),
  })
  async confirmAuthenticatorReplacement(
    @CurrentSession() session: AuthenticatedSession,
    @Args('code', { description: "A 6-digit code from the new phone's authenticator app." }) code: string,
  ): Promise<TwoFactorStatus> {
    if (code.length > MAX_CODE_INPUT_LENGTH) throw AppError.badInput([{ field: 'code', message: `must be at most ${MAX_CODE_INPUT_LENGTH} characters` }]);
    await this.replacement.confirm(session, code);
    return this.statuses.status(session);
  }
}
