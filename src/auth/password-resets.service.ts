import { Inject, Injectable, Logger } from '@nestjs/common';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { AppError, ErrorCode } from '../common/app-error';
import { addMinutes, Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import { MailKind } from '../mail/mail-templates';
import { MailService, type ReservedMail } from '../mail/mail.service';
import { ThrottlingService } from '../throttling/throttling.service';
import type { UserEntity } from '../users/entities/user.entity';
import { UsersService } from '../users/users.service';
import { PasswordResetTokensRepository } from './password-reset-tokens.repository';
import { SessionsService } from './sessions.service';
import { TrustedDevicesService } from './trusted-devices.service';
import { hashPassword } from './utils/password-hasher';
import { requireAcceptablePassword } from './utils/password-rules.util';
import {
  generatePasswordResetToken,
  hashPasswordResetToken,
  looksLikePasswordResetToken,
  passwordResetLink,
} from './utils/password-reset-token.util';

export const PASSWORD_RESET_MINUTES = 30;
/**
 * requestPasswordReset never answers sooner than this, for a known email or not: the known path
 * does a few more queries, and the floor hides that difference from a stopwatch.
 */
const REQUEST_RESPONSE_FLOOR_MS = 150;

/** Forgotten password: a mailed single-use link that sets a new password (a first factor only: 2FA stays). */
@Injectable()
export class PasswordResetsService {
  private readonly logger = new Logger(PasswordResetsService.name);

  constructor(
    private readonly tokens: PasswordResetTokensRepository,
    private readonly transactions: Transactions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly trustedDevices: TrustedDevicesService,
    private readonly securityEvents: SecurityEventsService,
    private readonly mail: MailService,
    private readonly throttling: ThrottlingService,
    private readonly clock: Clock,
  ) {}

  /**
   * Always resolves (true to the caller), for a known email or not. Both paths count a mail
   * against the address's password-reset budget (its own: anonymous requests never spend what the
   * signed-in user's codes need; per client address the guard counts public requests), make and
   * hash a token, and wait for the same floor. The mail is not awaited.
   */
  async request(email: string): Promise<void> {
    const started = performance.now();
    try {
      const reserved = await this.mail.reserve(email, 'password-reset').catch((error: unknown) => {
        // Past the per-address limit the answer stays the same: nothing tells a stranger what happened.
        if (error instanceof AppError && error.code === ErrorCode.TOO_MANY_ATTEMPTS) return null;
        throw error;
      });
      const token = generatePasswordResetToken();
      const tokenHash = hashPasswordResetToken(token);
      const user = await this.users.findByEmail(email);
      if (reserved && user) await this.saveAndSend(user, tokenHash, token, reserved);
    } finally {
      const remaining = REQUEST_RESPONSE_FLOOR_MS - (performance.now() - started);
      if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
    }
  }

  /**
   * Mails a reset link to a user who reported a sign-in as not theirs (reportUnrecognizedSignIn),
   * against the same per-address budget as requestPasswordReset; past it, nothing is sent.
   */
  async mailLink(userId: string): Promise<void> {
    const user = await this.users.findByIdOrFail(userId);
    const reserved = await this.mail.reserve(user.email, 'password-reset');
    const token = generatePasswordResetToken();
    await this.saveAndSend(user, hashPasswordResetToken(token), token, reserved);
  }

  /** Saves the token's hash (voiding an older link) with its event, then sends the link without waiting for it. */
  private async saveAndSend(user: UserEntity, tokenHash: Buffer, token: string, reserved: ReservedMail): Promise<void> {
    const now = this.clock.now();
    const expiresAt = addMinutes(now, PASSWORD_RESET_MINUTES);
    await this.transactions.run(async (db) => {
      // One row per user: a newer request overwrites the hash, which voids the older link.
      await this.tokens.save(user.id, tokenHash, now, expiresAt, db);
      await this.securityEvents.record({ type: SecurityEventType.PASSWORD_RESET_REQUESTED, userId: user.id }, db);
    });
    const values = { link: passwordResetLink(this.config.publicUrl, token), minutes: PASSWORD_RESET_MINUTES };
    reserved.send(MailKind.PASSWORD_RESET_LINK, values, user.language).catch((error: Error) => {
      this.logger.error(`Password reset mail not delivered: ${error.message}`);
    });
  }

  /**
   * Spends the token (one DELETE … RETURNING: of two concurrent resets with one token, exactly one
   * gets the row) and sets the password; every session and trusted device ends. 2FA is untouched.
   * The link proves the mailbox, so the email's password locks are lifted: a stranger's wrong
   * guesses cannot keep the owner out of the password they just chose.
   */
  async reset(token: string, newPassword: string): Promise<void> {
    if (!looksLikePasswordResetToken(token)) throw invalidToken();
    const tokenHash = hashPasswordResetToken(token);
    // A guessed token costs one index lookup, not an argon2 hash (19 MiB and a core for ~20 ms).
    const ownerId = await this.tokens.ownerOf(tokenHash);
    if (!ownerId) throw invalidToken();
    // A refused password leaves the token as it was: the user tries another with the same link.
    await requireAcceptablePassword(newPassword, await this.users.findByIdOrFail(ownerId), 'newPassword');
    const passwordHash = await hashPassword(newPassword);
    const userId = await this.transactions.run(async (db) => {
      const spent = await this.tokens.take(tokenHash, db);
      if (!spent) throw invalidToken();
      if (spent.expiresAt.getTime() <= this.clock.now().getTime()) return null;
      await this.users.setPasswordHash(spent.userId, passwordHash, db);
      await this.users.confirmEmail(spent.userId, db);
      await this.sessions.revokeAll(spent.userId, db);
      await this.trustedDevices.revokeAll(spent.userId, db);
      await this.securityEvents.record({ type: SecurityEventType.PASSWORD_RESET, userId: spent.userId }, db);
      return spent.userId;
    });
    // The expired token's row is gone too (the transaction committed the DELETE): it can never work.
    if (!userId) throw new AppError(ErrorCode.CODE_EXPIRED, 'This reset link has expired. Ask for a new one.');
    const user = await this.users.findByIdOrFail(userId);
    await this.throttling.forgetPasswordFailures(user.email);
    this.mail.sendNotice(user.email, MailKind.PASSWORD_RESET, {}, user.language);
  }
}

function invalidToken(): AppError {
  return new AppError(ErrorCode.INVALID_CODE, 'This reset link is not valid (already used, replaced by a newer one, or mistyped). Ask for a new one.');
}
