import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../common/app-error';
import { deriveCodeKey } from '../common/code-keys.util';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { clientAddressKey } from './utils/client-address-key';
import { normaliseEmail } from '../users/utils/normalise-email.util';
import { type Attempt, FailureLimit } from './failure-limit';
import { formatWait, LOCK_LADDER_MEMORY_SECONDS } from './lock-ladder';
import { deleteRateLimitKeys, RateLimitsRepository } from './rate-limits.repository';

/** Wrong passwords per (email, client address) in the window, then that pair climbs the lock ladder. */
export const PASSWORD_FAILURES_ALLOWED = 10;
export const PASSWORD_WINDOW_SECONDS = 15 * 60;
/**
 * Wrong passwords per email from every client together: a distributed guess is still capped, but
 * one stranger alone is stopped by their own pair's lock long before this, so they cannot keep the
 * owner out.
 */
export const PASSWORD_FAILURES_ALLOWED_ALL_CLIENTS = 100;
export const SECOND_FACTOR_FAILURES_ALLOWED = 10;
/** "Consecutive" wrong codes: a success clears the count; a day without one forgets it too. */
const SECOND_FACTOR_MEMORY_SECONDS = 24 * 60 * 60;
/** Wrong email codes per user across every code sent: cancelling a setup does not give any back. */
export const EMAIL_CODE_FAILURES_ALLOWED = 10;
const EMAIL_CODE_FAILURE_MEMORY_SECONDS = 24 * 60 * 60;
/** Verification codes per user (on top of one a minute per setup), however often setup is cancelled. */
export const EMAIL_CODES_PER_USER_PER_HOUR = 5;
/**
 * Mails per recipient address each hour, in budgets of their own, so that what one kind of sender
 * spends never blocks another: verification codes the signed-in user asks for; password-reset
 * links, which anyone may ask for anonymously; invitations, from every organization together.
 */
export const CODE_MAILS_PER_RECIPIENT_PER_HOUR = 10;
export const PASSWORD_RESET_MAILS_PER_RECIPIENT_PER_HOUR = 3;
export const INVITATION_MAILS_PER_RECIPIENT_PER_HOUR = 20;
/** Security notices per recipient address; past it they are dropped (and logged), never blocking. */
export const NOTICES_PER_RECIPIENT_PER_HOUR = 20;
/** New-sign-in mails per account each hour: a burst of sign-ins from new places is told, not flooded. */
export const SIGN_IN_ALERTS_PER_ACCOUNT_PER_HOUR = 3;
/** Invitations mailed per organization each hour. */
export const INVITATIONS_PER_ORGANIZATION_PER_HOUR = 50;
/** Invitations from one organization to one address each hour (re-sending replaces the link). */
export const INVITATIONS_PER_ORGANIZATION_AND_RECIPIENT_PER_HOUR = 3;
/** Invitations one user sends each day, from all their organizations together. */
export const INVITATIONS_PER_INVITER_PER_DAY = 50;

export type { Attempt } from './failure-limit';

export type MailCategory = 'code' | 'password-reset' | 'invitation' | 'notice';

/**
 * Brute-force and flood limits, kept in PostgreSQL by rate-limiter-flexible so that every instance
 * counts together. Each guarded attempt first reserves a point (atomically), so a burst of
 * concurrent guesses cannot slip past the limit; a success gives the points back.
 */
@Injectable()
export class ThrottlingService {
  private readonly passwordFailures: FailureLimit;
  private readonly passwordFailuresAllClients: FailureLimit;
  /** Keys the limits store for email addresses: an HMAC, so the table is no list of tried addresses. */
  private readonly addressKeyHmac: Buffer;
  private readonly secondFactorFailures: FailureLimit;
  private readonly emailCodeFailures: FailureLimit;
  private readonly emailCodesSent: RateLimiterPostgres;
  private readonly mailsByRecipient: Record<MailCategory, RateLimiterPostgres>;
  private readonly publicRequests: RateLimiterPostgres | null;
  private readonly invitationsPerOrganization: RateLimiterPostgres;
  private readonly invitationsPerOrganizationAndRecipient: RateLimiterPostgres;
  private readonly invitationsPerInviter: RateLimiterPostgres;
  private readonly signInAlerts: RateLimiterPostgres;

  constructor(
    private readonly rateLimits: RateLimitsRepository,
    @Inject(APP_CONFIG) config: AppConfig,
    metrics: MetricsService,
  ) {
    const limiter = (keyPrefix: string, points: number, duration: number) => rateLimits.limiter(keyPrefix, points, duration);
    const failureLimit = (keyPrefix: string, points: number, duration: number, message: string) =>
      new FailureLimit(
        keyPrefix,
        rateLimits,
        metrics,
        limiter(keyPrefix, points, duration),
        limiter(`${keyPrefix}-locks`, 1_000, LOCK_LADDER_MEMORY_SECONDS),
        limiter(`${keyPrefix}-locked`, 1, 1),
        message,
      );
    if (!config.encryptionKey) throw new Error('ENCRYPTION_KEY is required to key the limits on email addresses');
    this.addressKeyHmac = deriveCodeKey(Buffer.from(config.encryptionKey, 'base64'), 'rate-limit-keys');
    this.passwordFailures = failureLimit('password', PASSWORD_FAILURES_ALLOWED, PASSWORD_WINDOW_SECONDS, 'Too many failed sign-ins for this email from your network.');
    this.passwordFailuresAllClients = failureLimit(
      'password-all',
      PASSWORD_FAILURES_ALLOWED_ALL_CLIENTS,
      PASSWORD_WINDOW_SECONDS,
      'Too many failed sign-ins for this email.',
    );
    this.secondFactorFailures = failureLimit(
      'second-factor',
      SECOND_FACTOR_FAILURES_ALLOWED,
      SECOND_FACTOR_MEMORY_SECONDS,
      'Too many wrong codes: sign-in with a second factor is paused for this account.',
    );
    this.emailCodeFailures = failureLimit(
      'email-code',
      EMAIL_CODE_FAILURES_ALLOWED,
      EMAIL_CODE_FAILURE_MEMORY_SECONDS,
      'Too many wrong email codes: 2-step verification setup is paused for this account.',
    );
    this.emailCodesSent = limiter('email-codes-sent', EMAIL_CODES_PER_USER_PER_HOUR, 60 * 60);
    this.mailsByRecipient = {
      code: limiter('mail-code', CODE_MAILS_PER_RECIPIENT_PER_HOUR, 60 * 60),
      'password-reset': limiter('mail-reset', PASSWORD_RESET_MAILS_PER_RECIPIENT_PER_HOUR, 60 * 60),
      invitation: limiter('mail-invitation', INVITATION_MAILS_PER_RECIPIENT_PER_HOUR, 60 * 60),
      notice: limiter('mail-notice', NOTICES_PER_RECIPIENT_PER_HOUR, 60 * 60),
    };
    this.publicRequests = config.ipRateLimitPerMinute > 0 ? limiter('public-ip', config.ipRateLimitPerMinute, 60) : null;
    this.invitationsPerOrganization = limiter('invitation-org', INVITATIONS_PER_ORGANIZATION_PER_HOUR, 60 * 60);
    this.invitationsPerOrganizationAndRecipient = limiter('invitation-org-to', INVITATIONS_PER_ORGANIZATION_AND_RECIPIENT_PER_HOUR, 60 * 60);
    this.invitationsPerInviter = limiter('invitation-by', INVITATIONS_PER_INVITER_PER_DAY, 24 * 60 * 60);
    this.signInAlerts = limiter('sign-in-alert', SIGN_IN_ALERTS_PER_ACCOUNT_PER_HOUR, 60 * 60);
  }

  /** Counts a new-sign-in mail for this account: false past the hourly cap (the mail is not sent). */
  async countSignInAlert(userId: string): Promise<boolean> {
    try {
      await this.signInAlerts.consume(userId);
      return true;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return false;
      throw rejection;
    }
  }

  /**
   * Reserves a password attempt for this email (known or not) from this client address;
   * TOO_MANY_ATTEMPTS while that pair, or the email from every client together, is locked.
   */
  async passwordAttempt(email: string, ipAddress: string | null | undefined): Promise<Attempt> {
    const address = this.addressKey(email);
    const pairKey = `${address}:${clientAddressKey(ipAddress)}`;
    const fromThisClient = await this.passwordFailures.reserve(pairKey);
    let fromAllClients: Attempt;
    try {
      fromAllClients = await this.passwordFailuresAllClients.reserve(address);
    } catch (error) {
      await fromThisClient.release();
      throw error;
    }
    // Both counts and ladders in one statement: login is a hot path.
    const keysClearedBySuccess = [...this.passwordFailures.keysClearedBySuccess(pairKey), ...this.passwordFailuresAllClients.keysClearedBySuccess(address)];
    let clearedBySuccessStatement = false;
    return {
      successPiece: () => {
        clearedBySuccessStatement = true;
        return deleteRateLimitKeys(keysClearedBySuccess);
      },
      end: async (succeeded) => {
        if (succeeded) {
          if (!clearedBySuccessStatement) await this.rateLimits.deleteKeys(keysClearedBySuccess);
          return { lockedNow: false, lockedForSeconds: 0 };
        }
        const [pair, all] = [await fromThisClient.end(false), await fromAllClients.end(false)];
        return { lockedNow: pair.lockedNow || all.lockedNow, lockedForSeconds: Math.max(pair.lockedForSeconds, all.lockedForSeconds) };
      },
      release: async () => {
        await fromThisClient.release();
        await fromAllClients.release();
      },
    };
  }

  /**
   * Lifts every password lock of this email and forgets its ladder, from every client: for a reset
   * from the mailed link, which proves the mailbox, so the new password works at once.
   */
  async forgetPasswordFailures(email: string): Promise<void> {
    const address = this.addressKey(email);
    await this.passwordFailures.forget(`${address}:%`);
    await this.passwordFailuresAllClients.forget(address);
  }

  /** Reserves a second-factor attempt for this account; TOO_MANY_ATTEMPTS while its second factor is locked. */
  secondFactorAttempt(userId: string): Promise<Attempt> {
    return this.secondFactorFailures.reserve(userId);
  }

  /** Reserves a try of an emailed code for this user, counted across every code they are sent. */
  emailCodeAttempt(userId: string): Promise<Attempt> {
    return this.emailCodeFailures.reserve(userId);
  }

  /**
   * Counts a verification code about to be sent to this user; TOO_MANY_ATTEMPTS past the hourly
   * budget. The returned function gives the point back when the code was not sent after all.
   */
  async countEmailCodeSent(userId: string): Promise<() => Promise<void>> {
    await consumeOrRefuse(this.emailCodesSent, userId, (wait) => `You asked for too many codes. You can ask for a new one in ${formatWait(wait)}.`);
    return async () => {
      await this.emailCodesSent.reward(userId, 1);
    };
  }

  /**
   * Counts a mail to this address. Null when it may be sent (with a function to give the point
   * back if delivery fails), else how many seconds until it may.
   */
  async countMail(recipient: string, category: MailCategory): Promise<{ refund: () => Promise<void> } | { retryAfterSeconds: number }> {
    const limiter = this.mailsByRecipient[category];
    const key = this.addressKey(recipient);
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { retryAfterSeconds: Math.ceil(rejection.msBeforeNext / 1000) };
      throw rejection;
    }
    return {
      refund: async () => {
        await limiter.reward(key, 1);
      },
    };
  }

  /**
   * Counts an invitation against its organization and its inviter (an account cannot become a mail
   * cannon), and against the pair of organization and recipient (nobody is flooded by
   * re-invitations). The mail itself counts against the recipient's invitation mails from every
   * organization (countMail), a budget no other kind of mail touches.
   */
  async countInvitation(organizationId: string, inviterId: string, email: string): Promise<void> {
    await consumeOrRefuse(this.invitationsPerInviter, inviterId, (wait) => `You sent too many invitations today. Try again in ${formatWait(wait)}.`);
    await consumeOrRefuse(this.invitationsPerOrganization, organizationId, (wait) => `Too many invitations from this organization. Try again in ${formatWait(wait)}.`);
    await consumeOrRefuse(
      this.invitationsPerOrganizationAndRecipient,
      `${organizationId}:${this.addressKey(email)}`,
      (wait) => `This address was invited too often in the last hour. Try again in ${formatWait(wait)}.`,
    );
  }

  private addressKey(email: string): string {
    return createHmac('sha256', this.addressKeyHmac).update(normaliseEmail(email)).digest('hex').slice(0, 40);
  }

  /** Counts a request to a public operation (signUp, login) against the client's address (an IPv6 client's /64). */
  async countPublicRequest(ipAddress: string | undefined): Promise<void> {
    if (!this.publicRequests) return;
    await consumeOrRefuse(this.publicRequests, clientAddressKey(ipAddress), (wait) => `Too many requests from your network. Try again in ${formatWait(wait)}.`);
  }
}

async function consumeOrRefuse(limiter: RateLimiterPostgres, key: string, message: (waitSeconds: number) => string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const seconds = Math.ceil(rejection.msBeforeNext / 1000);
    throw AppError.tooManyAttempts(seconds, message(seconds));
  }
}

