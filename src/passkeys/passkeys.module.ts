import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { MailModule } from '../mail/mail.module';
import { Transactions } from '../database/transactions';
import { OrganizationsModule } from '../organizations/organizations.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { UsersModule } from '../users/users.module';
import { ExpiredChallengesPruner } from './expired-challenges.pruner';
import { PasskeyEntity } from './entities/passkey.entity';
import { WebAuthnChallengeEntity } from './entities/webauthn-challenge.entity';
import { PasskeyChallenges } from './passkey-challenges';
import { PasskeyRegistrationService } from './passkey-registration.service';
import { PasskeysRepository } from './passkeys.repository';
import { PasskeysResolver } from './passkeys.resolver';
import { PasskeysService } from './passkeys.service';
import { WebAuthnChallengesRepository } from './webauthn-challenges.repository';

/** WebAuthn credentials and challenges. The two-factor module asks it to check a passkey at login. */
@Module({
  imports: [TypeOrmModule.forFeature([PasskeyEntity, WebAuthnChallengeEntity]), AuthModule, AuditModule, MailModule, UsersModule, ThrottlingModule, OrganizationsModule],
  providers: [
    PasskeysRepository,
    WebAuthnChallengesRepository,
    Transactions,
    PasskeyChallenges,
    PasskeysService,
    PasskeyRegistrationService,
    PasskeysResolver,
    ExpiredChallengesPruner,
  ],
  exports: [PasskeysService],
})
export class PasskeysModule {}
