import { Module } from '@nestjs/common';
import { MailerModule } from '@nestjs-modules/mailer';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ThrottlingModule } from '../throttling/throttling.module';
import { MailService } from './mail.service';

/**
 * Verification codes and security notices, over SMTP_URL or, when unset, into DATA_DIR/outbox.
 * Every mail is counted per recipient address (see ThrottlingService), so new kinds of mail are
 * limited by going through MailService.
 */
@Module({
  imports: [
    ThrottlingModule,
    MailerModule.forRootAsync({
      imports: [],
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        transport: config.smtpUrl ?? { streamTransport: true, buffer: true, newline: 'unix' },
        defaults: { from: config.mailFrom },
      }),
    }),
  ],
  providers: [MailService],
  exports: [MailService],
})
export class MailModule {}
