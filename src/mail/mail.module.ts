import { Module } from '@nestjs/common';
import { MailerModule } from '@nestjs-modules/mailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsModule } from '../metrics/metrics.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { MailService } from './mail.service';

/**
 * Bounds on each SMTP conversation: a server that accepts the connection and never answers must
 * not hold a user's request (startTwoFactorSetup waits for the transport) for nodemailer's default
 * minutes. The user gets SERVICE_UNAVAILABLE within about ten seconds instead.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 8_000 };

/**
 * Verification codes and security notices, over SMTP_URL or, when unset, into DATA_DIR/outbox.
 * Every mail is counted per recipient address (see ThrottlingService), so new kinds of mail are
 * limited by going through MailService.
 */
@Module({
  imports: [
    MetricsModule,
    ThrottlingModule,
    MailerModule.forRootAsync({
      imports: [],
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        transport: config.smtpUrl
          ? // Built here: nodemailer's createTransport({ url, ... }) would drop every option beside the URL.
            new SMTPTransport({ url: config.smtpUrl, ...SMTP_TIMEOUTS })
          : { streamTransport: true, buffer: true, newline: 'unix' },
        defaults: { from: config.mailFrom },
      }),
    }),
  ],
  providers: [MailService],
  exports: [MailService],
})
export class MailModule {}
