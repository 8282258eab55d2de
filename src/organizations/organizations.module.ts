import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { OrganizationMembershipEntity } from './entities/organization-membership.entity';
import { OrganizationEntity } from './entities/organization.entity';
import { OrganizationsResolver } from './organizations.resolver';
import { MembershipsService } from './memberships.service';
import { OrganizationsService } from './organizations.service';
import { SecuritySettingsService } from './security-settings.service';
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
  providers: [OrganizationsService, MembershipsService, SecuritySettingsService, TwoFactorRequirementService, OrganizationsResolver, TwoFactorRemindersJob],
  exports: [OrganizationsService, MembershipsService, TwoFactorRequirementService],
})
export class OrganizationsModule {}
