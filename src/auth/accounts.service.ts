import { Injectable } from '@nestjs/common';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { AppError, ErrorCode } from '../common/app-error';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { currentRequestContext } from '../common/request-context';
import { Transactions } from '../database/transactions';
import { ThrottlingService } from '../throttling/throttling.service';
import { UsersService } from '../users/users.service';
import type { ChangePasswordInput, LoginInput, SignUpInput } from './dto/auth.inputs';
import { SessionLevel } from './entities/session.entity';
import { type IssuedSession, SessionsService } from './sessions.service';
import { TrustedDevicesService } from './trusted-devices.service';
import { hashPassword, spendPasswordCheckTime, verifyPassword } from './utils/password-hasher';
import { requireAcceptablePassword } from './utils/password-rules.util';

/** Passwords: sign-up, login, changing the password, and the step-up check before sensitive changes. */
@Injectable()
export class AccountsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly trustedDevices: TrustedDevicesService,
    private readonly securityEvents: SecurityEventsService,
    private readonly throttling: ThrottlingService,
  ) {}

  async signUp(input: SignUpInput): Promise<IssuedSession> {
    await requireAcceptablePassword(input.password, input, 'password');
    const passwordHash = await hashPassword(input.password);
    return this.transactions.run(async (db) => {
      const language = currentRequestContext()?.language ?? null;
      const user = await this.users.create({ email: input.email, name: input.name ?? null, passwordHash, language }, db);
      return this.sessions.issue(user, SessionLevel.FULL, db, [SecurityEventType.SIGNED_UP]);
    });
  }

  async login(input: LoginInput): Promise<IssuedSession> {
    const attempt = await this.throttling.passwordAttempt(input.email, currentRequestContext()?.ipAddress);
    const user = await this.users.findByEmail(input.email);
    const passwordMatches = user ? await verifyPassword(user.passwordHash, input.password) : await spendPasswordCheckTime(input.password);
    if (!user || !passwordMatches) {
      await attempt.end(false);
      await this.securityEvents.record({ type: SecurityEventType.LOGIN_FAILED, userId: user?.id ?? null });
      throw new AppError(ErrorCode.INVALID_CREDENTIALS, 'The email or password is not correct.');
    }
    let issued: IssuedSession;
    try {
      await this.users.rememberLanguage(user, currentRequestContext()?.language);
      const presentedDevice = Boolean(input.trustedDeviceToken);
      const trustedDevice = presentedDevice && (await this.trustedDevices.use(user.id, input.trustedDeviceToken));
      const skipsSecondFactor = !user.twoFactorEnabledAt || trustedDevice;
      // The attempt's success is cleared in the session's own statement: login is a hot path.
      issued = await this.sessions.signIn(user, skipsSecondFactor ? SessionLevel.FULL : SessionLevel.PASSWORD, [SecurityEventType.LOGIN_SUCCEEDED], attempt.successPiece());
      // Told so the browser forgets a token that will never work again (expired, revoked, or not this user's).
      issued.trustedDeviceRejected = presentedDevice && !trustedDevice;
    } catch (error) {
      // The right password was given: a failure of ours must not count against the account.
      await attempt.release();
      throw error;
    }
    await attempt.end(true);
    return issued;
  }

  async changePassword(session: AuthenticatedSession, input: ChangePasswordInput): Promise<void> {
    // Before the current password is checked: a refused new password must not spend a login attempt.
    await requireAcceptablePassword(input.newPassword, session.user, 'newPassword');
    await this.requirePassword(session.userId, input.currentPassword);
    const passwordHash = await hashPassword(input.newPassword);
    await this.transactions.run(async (db) => {
      await this.users.setPasswordHash(session.userId, passwordHash, db);
      await this.sessions.revokeAll(session.userId, db, session.sessionId);
      await this.trustedDevices.revokeAll(session.userId, db);
      await this.securityEvents.record({ type: SecurityEventType.PASSWORD_CHANGED, userId: session.userId }, db);
    });
  }

  /**
   * Step-up check before a sensitive change. It counts against the same limits as login (keyed by
   * the email and the client address), so a stolen session cannot guess the password faster than a stranger could,
   * and while the account is locked even the right password is refused. Failures are recorded.
   */
  async requirePassword(userId: string, password: string): Promise<void> {
    const user = await this.users.findByIdOrFail(userId);
    const attempt = await this.throttling.passwordAttempt(user.email, currentRequestContext()?.ipAddress);
    const passwordMatches = await verifyPassword(user.passwordHash, password);
    await attempt.end(passwordMatches);
    if (!passwordMatches) {
      await this.securityEvents.record({ type: SecurityEventType.PASSWORD_CHECK_FAILED, userId });
      throw new AppError(ErrorCode.INVALID_CREDENTIALS, 'The password is not correct.');
    }
  }
}
