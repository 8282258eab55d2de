import { Injectable } from '@nestjs/common';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { AppError, ErrorCode } from '../common/app-error';
import type { StatementPiece } from '../database/statement';
import { addSeconds, Clock } from '../common/clock';
import { MailKind } from '../mail/mail-templates';
import { MailService } from '../mail/mail.service';
import { formatWait } from '../throttling/lock-ladder';
import { ThrottlingService } from '../throttling/throttling.service';

/** Thrown inside SecondFactorTries.run when the factor given is wrong: the try counts against the account. */
export class WrongSecondFactor extends Error {}

export interface TryAnswers {
  /** What the client is told of a wrong factor, unless this try locks the account. Asked before the lock is looked at. */
  wrong: (error: WrongSecondFactor) => AppError | Promise<AppError>;
  /** The TOO_MANY_ATTEMPTS message of the try that locks the account, given the wait in words. */
  locked: (wait: string) => string;
}

/** The lock message of the second step of login and of the operations that confirm with a code. */
export const SECOND_FACTOR_PAUSED = (wait: string) =>
  `Too many wrong codes: sign-in with a second factor is paused for this account for ${wait}. We sent you an email.`;

/**
 * A try at an account's second factor, counted by the account's attempt ladder: `work` runs with
 * the try reserved; if it throws WrongSecondFactor the try counts, and the one that uses the last
 * of the account's attempts locks its second factor, is recorded (ACCOUNT_LOCKED) and mailed to the
 * owner, and is answered TOO_MANY_ATTEMPTS. Any other error gives the try back; success clears it,
 * in `work`'s own statement when it includes the piece it is handed (gated on its success).
 */
@Injectable()
export class SecondFactorTries {
  constructor(
    private readonly throttling: ThrottlingService,
    private readonly securityEvents: SecurityEventsService,
    private readonly mail: MailService,
    private readonly clock: Clock,
  ) {}

  async run<T>(user: { id: string; email: string }, work: (clearedOnSuccess: () => StatementPiece) => Promise<T>, answers: TryAnswers): Promise<T> {
    const attempt = await this.throttling.secondFactorAttempt(user.id);
    let result: T;
    try {
      result = await work(() => attempt.successPiece());
    } catch (error) {
      if (!(error instanceof WrongSecondFactor)) {
        await attempt.release();
        throw error;
      }
      const answer = await answers.wrong(error);
      const { lockedNow, lockedForSeconds } = await attempt.end(false);
      if (!lockedNow) throw answer;
      await this.securityEvents.record({ type: SecurityEventType.ACCOUNT_LOCKED, userId: user.id });
      this.mail.sendNotice(user.email, MailKind.ACCOUNT_LOCKED, { until: addSeconds(this.clock.now(), lockedForSeconds).toUTCString() });
      throw AppError.tooManyAttempts(lockedForSeconds, answers.locked(formatWait(lockedForSeconds)));
    }
    await attempt.end(true);
    return result;
  }
}

export function invalidCode(extras: Record<string, unknown> = {}): AppError {
  return new AppError(ErrorCode.INVALID_CODE, 'That code is not right, or it was already used. Try the newest code from your app.', extras);
}

export function codeAlreadyUsed(): AppError {
  return new AppError(ErrorCode.INVALID_CODE, 'That code was already used. Wait for the next code in your app and enter it.');
}
