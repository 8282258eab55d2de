import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { addSeconds, Clock } from '../common/clock';
import { deviceName } from '../common/device-name.util';
import { DEFAULT_LANGUAGE } from '../common/language';
import { currentRequestContext, runAfterResponse } from '../common/request-context';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailKind } from '../mail/mail-templates';
import { MailService } from '../mail/mail.service';
import { ThrottlingService } from '../throttling/throttling.service';
import { UsersService } from '../users/users.service';
import type { SignInPlace } from './known-sign-in-devices.service';
import { type NewSignInReport, SignInReportsRepository } from './sign-in-reports.repository';
import { generateOpaqueToken, hashOpaqueToken, SIGN_IN_REPORT_TOKEN_PREFIX } from './utils/opaque-token.util';
import { isUnrecognizedSignIn, type KnownDeviceOutcome, SIGN_IN_REPORT_DAYS, signInReportLink } from './utils/sign-in-alert.util';

/** A spent 'This wasn't me' token: whose, which session, from which pair, and until when it worked. */
export interface SpentSignInReport {
  userId: string;
  sessionId: string;
  place: SignInPlace;
  expiresAt: Date;
}

/**
 * The mail for a full sign-in from a (device, place) pair the account has not used in 90 days, with
 * a single-use 'This wasn't me' link. Decided from what the sign-in's own statement saw; the event,
 * the link and the mail are made after the response, so signing in waits for none of them.
 */
@Injectable()
export class SignInAlertsService {
  private readonly logger = new Logger(SignInAlertsService.name);

  constructor(
    private readonly reports: SignInReportsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly securityEvents: SecurityEventsService,
    private readonly mail: MailService,
    private readonly throttling: ThrottlingService,
    private readonly clock: Clock,
  ) {}

  /** After a full sign-in's statement: queues the alert when the pair is new to the account. */
  afterSignIn(signedIn: { userId: string; sessionId: string }, place: SignInPlace, outcome: KnownDeviceOutcome): void {
    if (!isUnrecognizedSignIn(outcome, this.clock.now())) return;
    runAfterResponse(() => this.alert(signedIn.userId, signedIn.sessionId, place));
  }

  /**
   * Records NEW_DEVICE_SIGN_IN and, within the account's hourly cap, stores the hash of a report
   * token with it (one statement) and mails the user in their language. Never throws: the sign-in
   * is done.
   */
  private async alert(userId: string, sessionId: string, place: SignInPlace): Promise<void> {
    try {
      const user = await this.users.findById(userId);
      if (!user) return;
      const mailed = await this.throttling.countSignInAlert(userId);
      const now = this.clock.now();
      const token = generateOpaqueToken(SIGN_IN_REPORT_TOKEN_PREFIX);
      const report: NewSignInReport = {
        tokenHash: hashOpaqueToken(token),
        userId,
        sessionId,
        device: place.device ?? '',
        location: place.location ?? '',
        createdAt: now,
        expiresAt: addSeconds(now, SIGN_IN_REPORT_DAYS * 86_400),
      };
      await this.reports.recordAlert(mailed ? report : null, this.securityEvents.insertPiece([SecurityEventType.NEW_DEVICE_SIGN_IN], userId));
      if (!mailed) {
        this.logger.warn('New-sign-in mail not sent: the account reached its hourly cap');
        return;
      }
      const request = currentRequestContext();
      const language = user.language ?? request?.language ?? DEFAULT_LANGUAGE;
      this.mail.sendNotice(
        user.email,
        MailKind.NEW_DEVICE_SIGN_IN,
        {
          when: now.toUTCString(),
          device: deviceName(request?.userAgent, language),
          location: place.location,
          ipAddress: request?.ipAddress ?? null,
          link: signInReportLink(this.config.publicUrl, token),
          days: SIGN_IN_REPORT_DAYS,
        },
        language,
      );
    } catch (error) {
      this.logger.error(`New-sign-in alert not recorded: ${(error as Error).message}`);
    }
  }

  /** Spends a report token in the caller's transaction (of two uses, one gets it); null when unknown or used. */
  async spendReport(token: string, db: EntityManager): Promise<SpentSignInReport | null> {
    const spent = await this.reports.take(hashOpaqueToken(token), db);
    if (!spent) return null;
    return {
      userId: spent.userId,
      sessionId: spent.sessionId,
      place: { device: spent.device || null, location: spent.location || null },
      expiresAt: spent.expiresAt,
    };
  }
}
