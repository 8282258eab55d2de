import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { Transactions } from '../database/transactions';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { OrganizationMembershipEntity } from './entities/organization-membership.entity';
import { OrganizationEntity } from './entities/organization.entity';
import { OrganizationsResolver } from './organizations.resolver';
import { MembershipsService } from './memberships.service';
import { OrganizationMembershipsRepository } from './organization-memberships.repository';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';
import { SecuritySettingsService } from './security-settings.service';
import { TwoFactorRequirementRepository } from './two-factor-requirement.repository';
import { TwoFactorRequirementService } from './two-factor-requirement.service';
import { TwoFactorRemindersJob } from './two-factor-reminders.job';

/**
 * Organizations and their members (OrganizationsService), the memberships other modules build on
 * (MembershipsService), the security settings (SecuritySettingsService) and the 2FA requirement
 * the global guard enforces (TwoFactorRequirementService).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([OrganizationEntity, OrganizationMembershipEntity]),
    AuditModule,
    MailModule,
    UsersModule,
  ],
  providers: [
    OrganizationsService,
    MembershipsService,
    SecuritySettingsService,
    TwoFactorRequirementService,
    OrganizationsResolver,
    TwoFactorRemindersJob,
    OrganizationsRepository,
    OrganizationMembershipsRepository,
    TwoFactorRequirementRepository,
    Transactions,
  ],
  exports: [OrganizationsService, MembershipsService, TwoFactorRequirementService],
})
export class OrganizationsModule {}
