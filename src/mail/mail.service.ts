import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { MailerService } from '@nestjs-modules/mailer';
import { AppError } from '../common/app-error';
import { DEFAULT_LANGUAGE, type Language } from '../common/language';
import { currentRequestContext } from '../common/request-context';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { formatWait } from '../throttling/lock-ladder';
import { type MailCategory, ThrottlingService } from '../throttling/throttling.service';
import { MailKind, renderMail } from './mail-templates';

/** Delays between attempts to deliver a notice; a notice never blocks the action it reports. */
export const NOTICE_RETRY_DELAYS_MS = [1_000, 5_000, 30_000];
/** How long a health check trusts the last look at the mail server. */
const TRANSPORT_STATUS_TTL_MS = 30_000;

export interface MailTransportStatus {
  transport: 'smtp' | 'outbox';
  /** Whether the SMTP server answered its last check (always true for the outbox folder). */
  reachable: boolean;
  error?: string;
}

/** Mail whose code or link is needed to finish an action: sent while the user waits, counted per recipient. */
export type CodeOrLinkMailKind = MailKind.VERIFICATION_CODE | MailKind.ORGANIZATION_INVITATION | MailKind.PASSWORD_RESET_LINK;

/** Which of the recipient's hourly budgets a mail with a code or a link spends. */
export type CodeOrLinkBudget = Exclude<MailCategory, 'notice'>;

const BUDGET_SPENT: Record<CodeOrLinkBudget, string> = {
  code: 'Too many emails with a code were sent to this address.',
  'password-reset': 'Too many password-reset emails were sent to this address.',
  invitation: 'Too many invitations were sent to this address.',
};

/** Mail that carries a code or a one-time link, already counted against its recipient's limit. */
export interface ReservedMail {
  /** Delivers it; SERVICE_UNAVAILABLE (and the count given back) when the transport refuses. */
  send(kind: CodeOrLinkMailKind, values: Record<string, unknown>, language?: Language | null): Promise<void>;
  /** Gives the count back when the mail will not be sent after all; does nothing once sent. */
  cancel(): Promise<void>;
}

@Injectable()
export class MailService implements OnApplicationShutdown {
  private readonly logger = new Logger(MailService.name);
  private readonly pendingRetries = new Set<NodeJS.Timeout>();
  private readonly outboxDir: string;
  private lastStatus: { at: number; status: Promise<MailTransportStatus> } | undefined;

  constructor(
    private readonly mailer: MailerService,
    private readonly throttling: ThrottlingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.outboxDir = resolve(config.dataDir, 'outbox');
  }

  /**
   * Sends a verification code and waits for the transport to accept it: if it cannot, the user is
   * told to try again (and the caller saves nothing). Each address gets a limited number of codes
   * per hour, so the service cannot be used to flood a mailbox.
   */
  async sendVerificationCode(to: string, code: string, validMinutes: number, language?: Language | null): Promise<void> {
    await (await this.reserve(to, 'code')).send(MailKind.VERIFICATION_CODE, { code, minutes: validMinutes }, language);
  }

  /**
   * Counts a mail with a code or a link to this address against one of its budgets now; it is sent
   * later. A caller that sends
   * inside a transaction (so that nothing is saved when the mail server refuses) reserves first:
   * counting needs a pooled connection of its own, and transactions waiting for a second
   * connection while holding one can starve the pool.
   */
  async reserve(to: string, budget: CodeOrLinkBudget): Promise<ReservedMail> {
    const counted = await this.throttling.countMail(to, budget);
    if ('retryAfterSeconds' in counted) {
      throw AppError.tooManyAttempts(counted.retryAfterSeconds, `${BUDGET_SPENT[budget]} Try again in ${formatWait(counted.retryAfterSeconds)}.`);
    }
    let settled = false;
    const cancel = async () => {
      if (settled) return;
      settled = true;
      await counted.refund();
    };
    return {
      send: async (kind, values, language) => {
        try {
          await this.deliver(to, kind, values, language);
          settled = true;
        } catch (error) {
          this.logger.error(`Could not deliver ${kind} mail to ${to}: ${(error as Error).message}`);
          await cancel();
          throw AppError.mailUnavailable();
        }
      },
      cancel,
    };
  }


  /**
   * Queues a security notice; failures are logged and retried in the background. Without a
   * language, the notice is written in the language of the request that caused it. Past the
   * per-address limit a notice is dropped and logged: the action it reports goes on regardless.
   */
  sendNotice(to: string, kind: Exclude<MailKind, CodeOrLinkMailKind>, values: Record<string, unknown> = {}, language?: Language | null): void {
    const chosen = this.languageFor(language);
    const attempt = (index: number) => {
      this.deliver(to, kind, { when: new Date().toUTCString(), ...values }, chosen).catch((error: Error) => {
        const delay = NOTICE_RETRY_DELAYS_MS[index];
        if (delay === undefined) {
          this.logger.error(`Gave up delivering ${kind} notice to ${to}: ${error.message}`);
          return;
        }
        this.logger.warn(`Delivering ${kind} notice to ${to} failed (${error.message}); retrying in ${delay / 1000}s`);
        const timer = setTimeout(() => {
          this.pendingRetries.delete(timer);
          attempt(index + 1);
        }, delay);
        timer.unref();
        this.pendingRetries.add(timer);
      });
    };
    this.throttling.countMail(to, 'notice').then(
      (counted) => {
        if ('retryAfterSeconds' in counted) {
          this.logger.warn(`Dropped ${kind} notice to ${to}: too many notices to this address in the last hour`);
          return;
        }
        attempt(0);
      },
      (error: Error) => {
        // The limit store is unreachable: a notice is worth more than the limit.
        this.logger.warn(`Could not count ${kind} notice to ${to} (${error.message}); sending it anyway`);
        attempt(0);
      },
    );
  }

  /** Whether the SMTP server answers (cached briefly; its own timeouts bound a hung server). */
  transportStatus(): Promise<MailTransportStatus> {
    if (!this.config.smtpUrl) return Promise.resolve({ transport: 'outbox', reachable: true });
    if (!this.lastStatus || Date.now() - this.lastStatus.at > TRANSPORT_STATUS_TTL_MS) {
      const status = this.mailer.verifyAllTransporters().then(
        (reachable): MailTransportStatus => ({ transport: 'smtp', reachable }),
        (error: Error): MailTransportStatus => ({ transport: 'smtp', reachable: false, error: error.message }),
      );
      this.lastStatus = { at: Date.now(), status };
    }
    return this.lastStatus.status;
  }

  onApplicationShutdown(): void {
    for (const timer of this.pendingRetries) clearTimeout(timer);
  }

  /** The recipient's known language, else the current request's, else English. */
  private languageFor(language: Language | null | undefined): Language {
    return language ?? currentRequestContext()?.language ?? DEFAULT_LANGUAGE;
  }

  private async deliver(to: string, kind: MailKind, values: Record<string, unknown>, language?: Language | null): Promise<void> {
    const mail = renderMail(kind, values, this.languageFor(language));
    const info = await this.mailer.sendMail({ to, from: this.config.mailFrom, ...mail }).catch((error: unknown) => {
      this.metrics.countMail(kind, false);
      throw error;
    });
    this.metrics.countMail(kind, true);
    if (this.config.smtpUrl) return;
    // No SMTP server configured: the stream transport hands back the message, kept as an .eml file.
    await mkdir(this.outboxDir, { recursive: true });
    const file = join(this.outboxDir, `${Date.now()}-${kind.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}.eml`);
    await writeFile(file, info.message as Buffer, { mode: 0o600 });
    // Where to look, not whom it was for: recipients do not belong in an info-level log.
    this.logger.log(`Mail "${kind}" written to ${file}`);
  }
}
