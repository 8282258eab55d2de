import { randomInt, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { SessionsService } from '../auth/sessions.service';
import type { AuthPayload } from '../auth/models/auth-payload.model';
import { AppError, ErrorCode } from '../common/app-error';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { addMinutes, addSeconds, Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import { MailKind } from '../mail/mail-templates';
import { MailService, type ReservedMail } from '../mail/mail.service';
import { RecoveryCodesService } from '../recovery-codes/recovery-codes.service';
import { formatWait } from '../throttling/lock-ladder';
import { type Attempt, ThrottlingService } from '../throttling/throttling.service';
import { UsersService } from '../users/users.service';
import { TwoFactorSetupEntity } from './entities/two-factor-setup.entity';
import { RecoveryCodes, TotpEnrollment, TwoFactorSetup, TwoFactorSetupStep } from './models/two-factor.models';
import { TotpCredentialsRepository } from './totp-credentials.repository';
import { TwoFactorCrypto } from './two-factor-crypto';
import { TwoFactorSetupsRepository } from './two-factor-setups.repository';
import { totpEnrollment } from './utils/totp-enrollment.util';
import { generateTotpSecret, matchTotpStep } from './utils/totp.util';

export const EMAIL_CODE_VALID_MINUTES = 10;
export const EMAIL_CODE_MAX_FAILURES = 5;
export const EMAIL_CODE_RESEND_SECONDS = 60;
export const SETUP_VALID_MINUTES = 30;

/**
 * Enrollment in the help page's order: verify the login email, add the app, save recovery codes,
 * complete. Every step moves the setup row forward with one conditional UPDATE, so a step cannot be
 * skipped or done twice, and nothing reaches the account before `complete`.
 */
@Injectable()
export class TwoFactorSetupService {
  constructor(
    private readonly setups: TwoFactorSetupsRepository,
    private readonly totpCredentials: TotpCredentialsRepository,
    private readonly transactions: Transactions,
    private readonly recoveryCodes: RecoveryCodesService,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly mail: MailService,
    private readonly securityEvents: SecurityEventsService,
    private readonly crypto: TwoFactorCrypto,
    private readonly throttling: ThrottlingService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Begins (or restarts) setup and emails a code. The row is written and the mail sent in one
   * transaction: if the mail server refuses, nothing is saved and the user can simply try again.
   */
  async start(session: AuthenticatedSession): Promise<TwoFactorSetup> {
    this.requireTwoFactorOff(session);
    const now = this.clock.now();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const setup: TwoFactorSetupEntity = {
      userId: session.userId,
      step: TwoFactorSetupStep.EMAIL_VERIFICATION,
      email: session.user.email,
      emailCodeHash: this.crypto.hashEmailCode(code, session.userId),
      emailCodeSentAt: now,
      emailCodeExpiresAt: addMinutes(now, EMAIL_CODE_VALID_MINUTES),
      emailCodeFailures: 0,
      encryptedSecret: null,
      confirmedStep: null,
      startedAt: now,
      expiresAt: addMinutes(now, SETUP_VALID_MINUTES),
    };
    // Counted outside the setup row, which cancelling deletes: restarting cannot reset the budget.
    const giveBack = await this.throttling.countEmailCodeSent(session.userId);
    let codeMail: ReservedMail | undefined;
    try {
      // Counted before the transaction below opens: see MailService.reserve.
      codeMail = await this.mail.reserve(session.user.email, 'code');
      await this.writeSetupAndSendCode(session, setup, code, now, codeMail);
    } catch (error) {
      await Promise.all([giveBack(), codeMail?.cancel()]);
      throw error;
    }
    return { step: setup.step, email: setup.email, expiresAt: setup.emailCodeExpiresAt };
  }

  private async writeSetupAndSendCode(
    session: AuthenticatedSession,
    setup: TwoFactorSetupEntity,
    code: string,
    now: Date,
    codeMail: ReservedMail,
  ): Promise<void> {
    await this.transactions.run(async (db) => {
      // Waits for a concurrent start to commit (the row's lock), then sees its code's resend limit.
      if (!(await this.setups.startOver(setup, addSeconds(now, -EMAIL_CODE_RESEND_SECONDS), db))) {
        const previousSentAt = await this.setups.codeSentAt(session.userId, db);
        const wait = (previousSentAt.getTime() + EMAIL_CODE_RESEND_SECONDS * 1000 - now.getTime()) / 1000;
        throw AppError.tooManyAttempts(wait, `A code was sent less than a minute ago. You can ask for a new one in ${Math.ceil(wait)} seconds.`);
      }
      await this.recoveryCodes.discardPendingSet(session.userId, db);
      await codeMail.send(MailKind.VERIFICATION_CODE, { code, minutes: EMAIL_CODE_VALID_MINUTES });
    });
  }

  /**
   * Checks the emailed code and shows the new authenticator secret (once). Two budgets are spent
   * before the code is compared, so concurrent guesses cannot all be compared: the user's wrong
   * codes across every code sent (locks with a notice), then one of this code's 5 tries.
   */
  async verifyEmail(session: AuthenticatedSession, code: string): Promise<TotpEnrollment> {
    this.requireTwoFactorOff(session);
    await this.currentSetup(session.userId, TwoFactorSetupStep.EMAIL_VERIFICATION);
    const attempt = await this.throttling.emailCodeAttempt(session.userId);
    // One of the code's tries, taken before the code is compared: of any number of concurrent
    // guesses, at most the tries left get a comparison.
    const reserved = await this.setups.takeEmailCodeTry(session.userId, this.clock.now(), EMAIL_CODE_MAX_FAILURES);
    if (!reserved) {
      await attempt.release();
      throw await this.whyEmailCodeUnusable(session.userId);
    }
    const typedHash = this.crypto.hashEmailCode(code.trim(), session.userId);
    if (reserved.codeHash.length !== typedHash.length || !timingSafeEqual(reserved.codeHash, typedHash)) {
      throw await this.countWrongEmailCode(session, reserved, attempt);
    }

    const secret = generateTotpSecret();
    if (!(await this.setups.advanceToAuthenticatorApp(session.userId, typedHash, this.crypto.encrypt(secret, session.userId)))) {
      await attempt.release();
      throw outOfOrder('This step is already done.');
    }
    await attempt.end(true);
    await this.users.confirmEmail(session.userId);

    return totpEnrollment(this.config.totpIssuer, session.user.email, secret);
  }

  /** Checks a code from the app and returns the recovery codes to save. The code's step counts as used. */
  async confirmApp(session: AuthenticatedSession, code: string): Promise<RecoveryCodes> {
    this.requireTwoFactorOff(session);
    const setup = await this.currentSetup(session.userId, TwoFactorSetupStep.AUTHENTICATOR_APP);
    const secret = this.crypto.decrypt(setup.encryptedSecret!, session.userId);
    const step = matchTotpStep(secret, code, Math.floor(this.clock.now().getTime() / 1000));
    if (step === null) {
      throw new AppError(ErrorCode.INVALID_CODE, 'That code is not right. Enter the 6-digit code your authenticator app shows now.');
    }
    return this.transactions.run(async (db) => {
      if (!(await this.setups.advanceToRecoveryCodes(session.userId, String(step), db))) throw outOfOrder('This step is already done.');
      return this.recoveryCodes.createPendingSet(session.userId, db);
    });
  }

  /** Turns 2FA on: credential, recovery codes and the account switch in one transaction, then a new FULL session. */
  async complete(session: AuthenticatedSession, recoveryCodesSaved: boolean): Promise<AuthPayload> {
    if (recoveryCodesSaved !== true) {
      throw AppError.badInput([{ field: 'recoveryCodesSaved', message: 'must be true: save your recovery codes first' }]);
    }
    this.requireTwoFactorOff(session);
    await this.currentSetup(session.userId, TwoFactorSetupStep.RECOVERY_CODES);
    const now = this.clock.now();
    const issued = await this.transactions.run(async (db) => {
      const finished = await this.setups.takeFinished(session.userId, now, db);
      if (!finished) throw outOfOrder('This setup was already completed or cancelled.');
      if (!(await this.totpCredentials.insertIfAbsent(session.userId, finished.encryptedSecret, finished.confirmedStep, this.clock.now(), db))) {
        throw new AppError(ErrorCode.CONFLICT, '2-step verification is already on.');
      }
      await this.recoveryCodes.activatePendingSet(session.userId, db);
      await this.users.setTwoFactorEnabled(session.userId, now, db);
      await this.securityEvents.record({ type: SecurityEventType.TWO_FACTOR_ENABLED, userId: session.userId }, db);
      const fullSession = await this.sessions.replaceWithFullSession(session.sessionId, { ...session.user, twoFactorEnabledAt: now }, db);
      // Sessions opened before 2FA was on never gave a second factor: one of them may be a thief's.
      await this.sessions.revokeAll(session.userId, db, fullSession.session.id);
      return fullSession;
    });
    this.mail.sendNotice(session.user.email, MailKind.TWO_FACTOR_ENABLED);
    return this.sessions.payloadFor(issued);
  }

  async cancel(session: AuthenticatedSession): Promise<boolean> {
    await this.transactions.run(async (db) => {
      await this.setups.deleteOf(session.userId, db);
      await this.recoveryCodes.discardPendingSet(session.userId, db);
    });
    return true;
  }

  /** The step an unfinished, unexpired setup waits at. */
  async pendingStep(userId: string): Promise<TwoFactorSetupStep | null> {
    const setup = await this.setups.findOf(userId);
    return setup && setup.expiresAt > this.clock.now() ? setup.step : null;
  }

  private requireTwoFactorOff(session: AuthenticatedSession): void {
    if (session.user.twoFactorEnabledAt) throw new AppError(ErrorCode.CONFLICT, '2-step verification is already on.');
  }

  private async currentSetup(userId: string, expectedStep: TwoFactorSetupStep): Promise<TwoFactorSetupEntity> {
    const setup = await this.setups.findOf(userId);
    if (!setup) throw outOfOrder('Start 2-step verification setup first.');
    if (setup.expiresAt <= this.clock.now()) {
      throw new AppError(ErrorCode.CODE_EXPIRED, 'This setup has expired (30 minutes). Start again.');
    }
    if (setup.step !== expectedStep) {
      throw outOfOrder(`This step is not next: the setup is waiting at ${setup.step}.`);
    }
    return setup;
  }

  private async whyEmailCodeUnusable(userId: string): Promise<AppError> {
    const setup = await this.setups.findOf(userId);
    if (!setup || setup.step !== TwoFactorSetupStep.EMAIL_VERIFICATION) return outOfOrder('This step is already done.');
    if (setup.emailCodeHash && setup.emailCodeExpiresAt <= this.clock.now()) {
      return new AppError(ErrorCode.CODE_EXPIRED, 'The code has expired. Ask for a new code.');
    }
    return new AppError(ErrorCode.CODE_EXPIRED, 'This code no longer works after too many wrong tries. Ask for a new code.');
  }

  /** A wrong code used up one try: the fifth voids the code; the user's budget may lock setup. Returns the error to throw. */
  private async countWrongEmailCode(
    session: AuthenticatedSession,
    reserved: { codeHash: Buffer; failures: number },
    attempt: Attempt,
  ): Promise<AppError> {
    if (reserved.failures >= EMAIL_CODE_MAX_FAILURES) {
      await this.setups.voidEmailCode(session.userId, reserved.codeHash);
    }
    const { lockedNow, lockedForSeconds } = await attempt.end(false);
    if (lockedNow) {
      await this.securityEvents.record({ type: SecurityEventType.ACCOUNT_LOCKED, userId: session.userId });
      const until = addSeconds(this.clock.now(), lockedForSeconds);
      this.mail.sendNotice(session.user.email, MailKind.TWO_FACTOR_SETUP_PAUSED, { until: until.toUTCString() });
      return AppError.tooManyAttempts(
        lockedForSeconds,
        `Too many wrong email codes: setting up 2-step verification is paused for ${formatWait(lockedForSeconds)}. We sent you an email.`,
      );
    }
    const left = EMAIL_CODE_MAX_FAILURES - reserved.failures;
    if (left <= 0) {
      return new AppError(ErrorCode.INVALID_CODE, 'That code is not right, and it no longer works after 5 wrong tries. Ask for a new code.', { attemptsRemaining: 0 });
    }
    return new AppError(ErrorCode.INVALID_CODE, `That code is not right. ${left} ${left === 1 ? 'try' : 'tries'} left.`, { attemptsRemaining: left });
  }
}

function outOfOrder(message: string): AppError {
  return new AppError(ErrorCode.FAILED_PRECONDITION, message);
}
