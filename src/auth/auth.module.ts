import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { Transactions } from '../database/transactions';
import { MailModule } from '../mail/mail.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { UsersModule } from '../users/users.module';
import { AccountsService } from './accounts.service';
import { AuthResolver } from './auth.resolver';
import { ExpiredSessionsPruner } from './expired-sessions.pruner';
import { ExpiredPasswordResetTokensPruner } from './expired-password-reset-tokens.pruner';
import { ExpiredTrustedDevicesPruner } from './expired-trusted-devices.pruner';
import { PasswordResetsService } from './password-resets.service';
import { SessionEntity } from './entities/session.entity';
import { SignInDeviceEntity } from './entities/sign-in-device.entity';
import { SignInReportEntity } from './entities/sign-in-report.entity';
import { TrustedDeviceEntity } from './entities/trusted-device.entity';
import { ExpiredSignInReportsPruner } from './expired-sign-in-reports.pruner';
import { KnownSignInDevicesService } from './known-sign-in-devices.service';
import { SignInAlertsService } from './sign-in-alerts.service';
import { SignInReportsResolver } from './sign-in-reports.resolver';
import { SignInReportsService } from './sign-in-reports.service';
import { AccessGuard } from './guards/access.guard';
import { SessionsService } from './sessions.service';
import { TrustedDevicesService } from './trusted-devices.service';
import { PasswordResetTokensRepository } from './password-reset-tokens.repository';
import { SessionsRepository } from './sessions.repository';
import { SignInDevicesRepository } from './sign-in-devices.repository';
import { SignInReportsRepository } from './sign-in-reports.repository';
import { TrustedDevicesRepository } from './trusted-devices.repository';

/**
 * Signing in: passwords (AccountsService), sessions (SessionsService), trusted devices
 * (TrustedDevicesService), forgotten passwords (PasswordResetsService), new-sign-in alerts and their 'This wasn't me' links (SignInAlertsService, SignInReportsService), and the global guard that resolves the session on every request.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([SessionEntity, TrustedDeviceEntity, SignInDeviceEntity, SignInReportEntity]),
    UsersModule,
    // The guard and the login status ask whether an organization's 2FA deadline has passed.
    OrganizationsModule,
    AuditModule,
    ThrottlingModule,
    MailModule,
  ],
  providers: [
    AccountsService,
    SessionsService,
    TrustedDevicesService,
    AuthResolver,
    { provide: APP_GUARD, useClass: AccessGuard },
    ExpiredSessionsPruner,
    ExpiredTrustedDevicesPruner,
    PasswordResetsService,
    ExpiredPasswordResetTokensPruner,
    KnownSignInDevicesService,
    SignInAlertsService,
    SignInReportsService,
    SignInReportsResolver,
    ExpiredSignInReportsPruner,
    Transactions,
    SessionsRepository,
    TrustedDevicesRepository,
    SignInDevicesRepository,
    SignInReportsRepository,
    PasswordResetTokensRepository,
  ],
  exports: [AccountsService, SessionsService, TrustedDevicesService],
})
export class AuthModule {}
