import { Injectable } from '@nestjs/common';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { AccountsService } from '../auth/accounts.service';
import type { AuthPayload } from '../auth/models/auth-payload.model';
import { SessionsService } from '../auth/sessions.service';
import { AppError, ErrorCode } from '../common/app-error';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { deviceName } from '../common/device-name.util';
import { currentRequestContext } from '../common/request-context';
import { Transactions } from '../database/transactions';
import { MailKind } from '../mail/mail-templates';
import { MailService } from '../mail/mail.service';
import { type PasskeyRequirement, TwoFactorRequirementService } from '../organizations/two-factor-requirement.service';
import { PasskeysService } from '../passkeys/passkeys.service';
import { RecoveryCodesService } from '../recovery-codes/recovery-codes.service';
import { UsersService } from '../users/users.service';
import { AccountFactors, type LoginSecondFactor } from './account-factors';
import type { DisableTwoFactorInput, VerifyLoginSecondFactorInput } from './dto/two-factor.inputs';
import type { RecoveryCodes, TwoFactorStatus } from './models/two-factor.models';
import { RecoveryCodesLowWarning } from './recovery-codes-low.warning';
import { codeAlreadyUsed, invalidCode, SECOND_FACTOR_PAUSED, SecondFactorTries, WrongSecondFactor } from './second-factor-tries';
import { TwoFactorStatusService } from './two-factor-status.service';
import { exactlyOneFactor, type TypedSecondFactor } from './utils/second-factor-input.util';

/** Using 2FA once it is on: the second step of login, disabling, and recovery-code reissue. */
@Injectable()
export class TwoFactorService {
  constructor(
    private readonly transactions: Transactions,
    private readonly tries: SecondFactorTries,
    private readonly factors: AccountFactors,
    private readonly recoveryCodes: RecoveryCodesService,
    private readonly passkeys: PasskeysService,
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly requirement: TwoFactorRequirementService,
    private readonly securityEvents: SecurityEventsService,
    private readonly mail: MailService,
    private readonly lowCodesWarning: RecoveryCodesLowWarning,
    private readonly statuses: TwoFactorStatusService,
  ) {}

  /**
   * The second step of login. The factor is checked first (its reads and crypto, outside any
   * transaction); then one statement spends it and replaces the pending session, all or nothing
   * (SessionsService.completeSecondStep): concurrent tries on one session are served one at a
   * time through the session's row, and a wrong or used code writes nothing.
   */
  async verifyLoginSecondFactor(session: AuthenticatedSession, input: VerifyLoginSecondFactorInput): Promise<AuthPayload> {
    if (session.level !== 'PASSWORD') {
      throw new AppError(ErrorCode.FAILED_PRECONDITION, 'This session is already fully signed in.');
    }
    const given = exactlyOneLoginFactor(input);
    const rememberDevice = Boolean(input.rememberDevice);
    const passkeyRule = await this.requirement.passkeyRequirement(session.userId);
    if ('kind' in given && given.kind === 'totp') await this.refuseAppCodeUnderPasskeyRule(session.userId, passkeyRule);
    const { factor, issued } = await this.tries.run(
      session.user,
      async (clearedOnSuccess) => {
        // A passkey answer spends its challenge first: a wrong answer cannot give it back.
        const factor: LoginSecondFactor = 'passkeyResponse' in given ? { kind: 'passkey', claimed: await this.passkeys.claimLoginAnswer(session, given.passkeyResponse) } : given;
        // An answer to a challenge already spent (or never this session's) cannot sign anyone in:
        // a copy of the right answer sent twice, like a TOTP resubmit, is refused without counting.
        if (factor.kind === 'passkey' && !factor.claimed) throw passkeyAnswerAlreadyUsed();
        const write = await this.factors.check(session.userId, factor);
        const record = [
          ...(factor.kind === 'recovery' ? [SecurityEventType.RECOVERY_CODE_USED] : []),
          SecurityEventType.SECOND_FACTOR_SUCCEEDED,
          ...(rememberDevice ? [SecurityEventType.TRUSTED_DEVICE_ADDED] : []),
        ];
        const completed = await this.sessions.completeSecondStep(session, write, {
          record,
          rememberDevice,
          passkeyVerified: factor.kind === 'passkey',
          clearedLimits: clearedOnSuccess(),
        });
        if (!completed.live) throw AppError.unauthenticated('This session has ended. Sign in again.');
        if (completed.issued) return { factor, issued: completed.issued };
        if (write && factor.kind === 'totp') throw codeAlreadyUsed();
        throw new WrongSecondFactor();
      },
      { wrong: () => this.countWrongLoginCode(session), locked: SECOND_FACTOR_PAUSED },
    );
    if (factor.kind === 'recovery') await this.lowCodesWarning.afterUse(session.user, await this.recoveryCodes.countRemaining(session.userId));
    if (rememberDevice) {
      this.mail.sendNotice(session.user.email, MailKind.NEW_TRUSTED_DEVICE, {
        device: deviceName(currentRequestContext()?.userAgent ?? null) ?? 'An unnamed browser',
      });
    }
    return this.sessions.payloadFor(issued, passkeyRule);
  }

  /**
   * Under an organization's phishing-resistant rule, a user who has a passkey no longer signs in
   * with an app code (it can be phished): FORBIDDEN, before the code is looked at, so it is not
   * spent and no wrong try is counted. A recovery code still works, into a session held to passkey
   * registration, so that a lost key can be replaced.
   */
  private async refuseAppCodeUnderPasskeyRule(userId: string, rule: PasskeyRequirement): Promise<void> {
    if (!rule || (await this.passkeys.count(userId)) === 0) return;
    throw AppError.forbidden(
      `${rule.organizations.join(', ')} accepts only a passkey or a security key for your role: use your passkey. Lost it? Use a recovery code, then add a new passkey.`,
    );
  }

  /** Needs the password and one working code; removes the secret, the codes and all trusted devices. */
  async disable(session: AuthenticatedSession, input: DisableTwoFactorInput): Promise<TwoFactorStatus> {
    const factor = exactlyOneFactor(input.code, input.recoveryCode);
    if (!session.user.twoFactorEnabledAt) throw new AppError(ErrorCode.FAILED_PRECONDITION, '2-step verification is not on.');
    await this.accounts.requirePassword(session.userId, input.password);
    await this.tries.run(
      session.user,
      () =>
        this.transactions.run(async (db) => {
          await this.factors.spend(session.userId, factor, db);
          // The switch first: its UPDATE locks the user's row (see AccountFactors.removeAll).
          await this.users.setTwoFactorEnabled(session.userId, null, db);
          await this.factors.removeAll(session.userId, db);
          await this.securityEvents.record({ type: SecurityEventType.TWO_FACTOR_DISABLED, userId: session.userId }, db);
        }),
      { wrong: () => invalidCode(), locked: SECOND_FACTOR_PAUSED },
    );
    this.mail.sendNotice(session.user.email, MailKind.TWO_FACTOR_DISABLED);
    return this.statuses.status({ ...session, user: { ...session.user, twoFactorEnabledAt: null } });
  }

  /** A new set to save; the old set keeps working until the user confirms. */
  async reissueRecoveryCodes(session: AuthenticatedSession, password: string): Promise<RecoveryCodes> {
    this.requireTwoFactorOn(session);
    await this.accounts.requirePassword(session.userId, password);
    return this.recoveryCodes.createPendingSet(session.userId);
  }

  async confirmRecoveryCodesReissue(session: AuthenticatedSession, recoveryCodesSaved: boolean): Promise<TwoFactorStatus> {
    if (recoveryCodesSaved !== true) {
      throw AppError.badInput([{ field: 'recoveryCodesSaved', message: 'must be true: save your new recovery codes first' }]);
    }
    this.requireTwoFactorOn(session);
    const activated = await this.transactions.run(async (db) => {
      if (!(await this.recoveryCodes.activatePendingSet(session.userId, db))) return false;
      await this.securityEvents.record({ type: SecurityEventType.RECOVERY_CODES_REISSUED, userId: session.userId }, db);
      return true;
    });
    if (!activated) throw new AppError(ErrorCode.FAILED_PRECONDITION, 'There is no new set of recovery codes to confirm. Reissue them first.');
    this.mail.sendNotice(session.user.email, MailKind.RECOVERY_CODES_REISSUED);
    return this.statuses.status(session);
  }

  private async countWrongLoginCode(session: AuthenticatedSession): Promise<AppError> {
    await this.securityEvents.record({ type: SecurityEventType.SECOND_FACTOR_FAILED, userId: session.userId });
    const left = await this.sessions.recordSecondFactorFailure(session.sessionId);
    if (left === 0) {
      return new AppError(ErrorCode.INVALID_CODE, 'That code is not right, and this sign-in has ended after 5 wrong codes. Sign in again with your password.', { attemptsRemaining: 0 });
    }
    return invalidCode({ attemptsRemaining: left });
  }

  private requireTwoFactorOn(session: AuthenticatedSession): void {
    if (!session.user.twoFactorEnabledAt) throw new AppError(ErrorCode.FAILED_PRECONDITION, '2-step verification is not on.');
  }
}

/** At login a passkey answer is a third way: exactly one of the three. */
function exactlyOneLoginFactor(input: VerifyLoginSecondFactorInput): TypedSecondFactor | { passkeyResponse: string } {
  const { code, recoveryCode, passkeyResponse } = input;
  if (typeof passkeyResponse !== 'string' || passkeyResponse.length === 0) return exactlyOneFactor(code, recoveryCode);
  if (code || recoveryCode) {
    const message = 'give exactly one of code, recoveryCode and passkeyResponse';
    throw AppError.badInput([{ field: 'code', message }, { field: 'recoveryCode', message }, { field: 'passkeyResponse', message }]);
  }
  return { passkeyResponse };
}

function passkeyAnswerAlreadyUsed(): AppError {
  return new AppError(ErrorCode.INVALID_CODE, 'This passkey answer was already used, or it answers an earlier request. Use your passkey again.');
}
