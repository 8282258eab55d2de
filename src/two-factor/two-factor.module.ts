import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { MailModule } from '../mail/mail.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PasskeysModule } from '../passkeys/passkeys.module';
import { RecoveryCodesModule } from '../recovery-codes/recovery-codes.module';
import { Transactions } from '../database/transactions';
import { ThrottlingModule } from '../throttling/throttling.module';
import { UsersModule } from '../users/users.module';
import { AuthenticatorReplacementResolver } from './authenticator-replacement.resolver';
import { AuthenticatorReplacementService } from './authenticator-replacement.service';
import { ExpiredSetupsPruner } from './expired-setups.pruner';
import { RecoveryCodesLowWarning } from './recovery-codes-low.warning';
import { TotpCredentialEntity } from './entities/totp-credential.entity';
import { TwoFactorSetupEntity } from './entities/two-factor-setup.entity';
import { TotpCredentials } from './totp-credentials';
import { TotpCredentialsRepository } from './totp-credentials.repository';
import { TwoFactorCrypto } from './two-factor-crypto';
import { TwoFactorSetupService } from './two-factor-setup.service';
import { TwoFactorSetupsRepository } from './two-factor-setups.repository';
import { TwoFactorResolver } from './two-factor.resolver';
import { TwoFactorService } from './two-factor.service';
import { AccountFactors } from './account-factors';
import { MemberTwoFactorResetService } from './member-two-factor-reset.service';
import { SecondFactorTries } from './second-factor-tries';
import { TwoFactorStatusService } from './two-factor-status.service';

/** TOTP enrollment (email-verified), the second step of login, disabling, and recovery-code reissue. */
@Module({
  imports: [
    TypeOrmModule.forFeature([TotpCredentialEntity, TwoFactorSetupEntity]),
    AuthModule,
    UsersModule,
    OrganizationsModule,
    RecoveryCodesModule,
    MailModule,
    AuditModule,
    ThrottlingModule,
    PasskeysModule,
  ],
  providers: [
    TotpCredentialsRepository, TwoFactorSetupsRepository, Transactions,
    TwoFactorCrypto, TotpCredentials, TwoFactorSetupService, TwoFactorService, TwoFactorResolver, ExpiredSetupsPruner, RecoveryCodesLowWarning,
    AuthenticatorReplacementService, AuthenticatorReplacementResolver, TwoFactorStatusService, MemberTwoFactorResetService, SecondFactorTries, AccountFactors,
  ],
})
export class TwoFactorModule {}
