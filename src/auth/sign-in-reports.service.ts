import { Injectable, Logger } from '@nestjs/common';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { Clock } from '../common/clock';
import { runAfterResponse } from '../common/request-context';
import { Transactions } from '../database/transactions';
import { KnownSignInDevicesService } from './known-sign-in-devices.service';
import { PasswordResetsService } from './password-resets.service';
import { SessionsService } from './sessions.service';
import { SignInAlertsService } from './sign-in-alerts.service';
import { TrustedDevicesService } from './trusted-devices.service';
import { looksLikeOpaqueToken, SIGN_IN_REPORT_TOKEN_PREFIX } from './utils/opaque-token.util';

/** 'This wasn't me': the link of a new-sign-in mail ends what that sign-in could do and starts a password reset. */
@Injectable()
export class SignInReportsService {
  private readonly logger = new Logger(SignInReportsService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly alerts: SignInAlertsService,
    private readonly sessions: SessionsService,
    private readonly trustedDevices: TrustedDevicesService,
    private readonly knownDevices: KnownSignInDevicesService,
    private readonly securityEvents: SecurityEventsService,
    private readonly passwordResets: PasswordResetsService,
    private readonly clock: Clock,
  ) {}

  /**
   * Spends the token and, when it was live, in the same transaction ends the session that signed
   * in and every trusted device of the account, forgets the pair it came from (a sign-in from it
   * alerts again) and records SIGN_IN_REPORTED_UNRECOGNIZED; then a reset link is mailed. An
   * unknown, used or expired token does nothing, and the caller answers the same either way.
   */
  async report(token: string): Promise<void> {
    if (!looksLikeOpaqueToken(token, SIGN_IN_REPORT_TOKEN_PREFIX)) return;
    const userId = await this.transactions.run(async (db) => {
      const spent = await this.alerts.spendReport(token, db);
      // An expired token's row goes too (the DELETE commits): it can never work.
      if (!spent || spent.expiresAt.getTime() <= this.clock.now().getTime()) return null;
      await this.sessions.logout(spent.sessionId, db);
      await this.trustedDevices.revokeAll(spent.userId, db);
      await this.knownDevices.forget(spent.userId, spent.place, db);
      await this.securityEvents.record({ type: SecurityEventType.SIGN_IN_REPORTED_UNRECOGNIZED, userId: spent.userId }, db);
      return spent.userId;
    });
    if (!userId) return;
    runAfterResponse(async () => {
      try {
        await this.passwordResets.mailLink(userId);
      } catch (error) {
        this.logger.error(`Password reset link after a reported sign-in not sent: ${(error as Error).message}`);
      }
    });
  }
}
