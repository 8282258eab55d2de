import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { AccountsService } from '../auth/accounts.service';
import { AppError, ErrorCode } from '../common/app-error';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { addMinutes, Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import { MailKind } from '../mail/mail-templates';
import { MailService } from '../mail/mail.service';
import { RecoveryCodesService } from '../recovery-codes/recovery-codes.service';
import type { StartAuthenticatorReplacementInput } from './dto/authenticator-replacement.inputs';
import type { TotpEnrollment } from './models/two-factor.models';
import { RecoveryCodesLowWarning } from './recovery-codes-low.warning';
import { SecondFactorTries, WrongSecondFactor } from './second-factor-tries';
import { TotpCredentials } from './totp-credentials';
import { TotpCredentialsRepository } from './totp-credentials.repository';
import { TwoFactorCrypto } from './two-factor-crypto';
import { exactlyOneFactor, type TypedSecondFactor } from './utils/second-factor-input.util';
import { totpEnrollment } from './utils/totp-enrollment.util';
import { generateTotpSecret, matchTotpStep } from './utils/totp.util';

/** As long as an unfinished setup: a move left half-way stops mattering after this. */
export const REPLACEMENT_VALID_MINUTES = 30;

const TWO_FACTOR_PAUSED = (wait: string) => `Too many wrong codes: 2-step verification is paused for this account for ${wait}. We sent you an email.`;

/**
 * Moving the authenticator app to a new phone without turning 2FA off: the password and a code of
 * the current app (or a recovery code) start it, a code of the new app finishes it. Until then the
 * old app keeps working; at the end its secret is replaced in one conditional UPDATE. Recovery
 * codes, passkeys, trusted devices and sessions stay as they are.
 */
@Injectable()
export class AuthenticatorReplacementService {
  constructor(
    private readonly transactions: Transactions,
    private readonly totpCredentials: TotpCredentials,
    private readonly totpCredentialRows: TotpCredentialsRepository,
    private readonly recoveryCodes: RecoveryCodesService,
    private readonly lowCodesWarning: RecoveryCodesLowWarning,
    private readonly accounts: AccountsService,
    private readonly crypto: TwoFactorCrypto,
    private readonly tries: SecondFactorTries,
    private readonly securityEvents: SecurityEventsService,
    private readonly mail: MailService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async start(session: AuthenticatedSession, input: StartAuthenticatorReplacementInput): Promise<TotpEnrollment> {
    const factor = exactlyOneFactor(input.code, input.recoveryCode);
    requireTwoFactorOn(session);
    await this.accounts.requirePassword(session.userId, input.password);
    const secret = generateTotpSecret();
    const remainingRecoveryCodes = await this.tries.run(
      session.user,
      () =>
        this.transactions.run(async (db) => {
          const remaining = await this.useCurrentFactor(session.userId, factor, db);
          // A newer start replaces an older one's secret: only the newest QR code can finish the move.
          const expiresAt = addMinutes(this.clock.now(), REPLACEMENT_VALID_MINUTES);
          await this.totpCredentialRows.offerReplacement(session.userId, this.crypto.encrypt(secret, session.userId), expiresAt, db);
          return remaining;
        }),
      { wrong: (error) => new AppError(ErrorCode.INVALID_CODE, error.message), locked: TWO_FACTOR_PAUSED },
    );
    await this.lowCodesWarning.afterUse(session.user, remainingRecoveryCodes);
    return totpEnrollment(this.config.totpIssuer, session.user.email, secret);
  }

  async confirm(session: AuthenticatedSession, code: string): Promise<void> {
    requireTwoFactorOn(session);
    const pending = await this.totpCredentialRows.findPendingReplacement(session.userId);
    if (!pending) throw new AppError(ErrorCode.FAILED_PRECONDITION, 'There is no move to a new phone to confirm. Start it again.');
    if (pending.expiresAt.getTime() <= this.clock.now().getTime()) {
      throw new AppError(ErrorCode.CODE_EXPIRED, `This move to a new phone has expired (${REPLACEMENT_VALID_MINUTES} minutes). Start it again.`);
    }
    await this.tries.run(
      session.user,
      async () => {
        const secret = this.crypto.decrypt(pending.encryptedSecret, session.userId);
        const step = matchTotpStep(secret, code, Math.floor(this.clock.now().getTime() / 1000));
        if (step === null) throw new WrongSecondFactor();
        const replaced = await this.transactions.run(async (db) => {
          // Only the secret this request checked: of two confirmations at once, or one racing a newer start, one wins.
          if (!(await this.totpCredentialRows.completeReplacement(session.userId, pending.encryptedSecret, String(step), db))) return false;
          await this.securityEvents.record({ type: SecurityEventType.AUTHENTICATOR_REPLACED, userId: session.userId }, db);
          return true;
        });
        if (!replaced) throw new AppError(ErrorCode.FAILED_PRECONDITION, 'This move to a new phone was already confirmed or started again. Reload the page.');
      },
      { wrong: () => new AppError(ErrorCode.INVALID_CODE, 'That code is not right. Enter the 6-digit code the app on your new phone shows now.'), locked: TWO_FACTOR_PAUSED },
    );
    this.mail.sendNotice(session.user.email, MailKind.AUTHENTICATOR_REPLACED);
  }

  /**
   * Spends the current app's code or a recovery code once; returns the recovery codes left when one
   * was used. Unlike AccountFactors.spend, an app code already used counts as a wrong try here.
   */
  private async useCurrentFactor(userId: string, factor: TypedSecondFactor, db: EntityManager): Promise<number | null> {
    if (factor.kind === 'totp') {
      const check = await this.totpCredentials.acceptCode(userId, factor.code, db);
      if (check === 'wrong') throw new WrongSecondFactor('That code is not right. Enter the code your current authenticator app shows now, or use a recovery code.');
      if (check === 'already-used') throw new WrongSecondFactor('That code was already used. Wait for the next code in your app and enter it.');
      return null;
    }
    const remaining = await this.recoveryCodes.consume(userId, factor.code, db);
    if (remaining === null) throw new WrongSecondFactor('That recovery code is not right, or it was already used.');
    await this.securityEvents.record({ type: SecurityEventType.RECOVERY_CODE_USED, userId }, db);
    return remaining;
  }
}

function requireTwoFactorOn(session: AuthenticatedSession): void {
  if (!session.user.twoFactorEnabledAt) throw new AppError(ErrorCode.FAILED_PRECONDITION, '2-step verification is not on: set it up instead.');
}
