import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PasskeysModule } from '../passkeys/passkeys.module';
import { RecoveryCodesModule } from '../recovery-codes/recovery-codes.module';
import { UsersModule } from '../users/users.module';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';

/** Files for auditors: an organization's security events (NDJSON) and its members' 2FA report (CSV). Owns no tables. */
@Module({
  imports: [AuditModule, OrganizationsModule, PasskeysModule, RecoveryCodesModule, UsersModule],
  controllers: [ExportsController],
  providers: [ExportsService],
})
export class ExportsModule {}
