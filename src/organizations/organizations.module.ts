import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { OrganizationMembershipEntity } from './entities/organization-membership.entity';
import { OrganizationEntity } from './entities/organization.entity';
import { OrganizationsResolver } from './organizations.resolver';
import { OrganizationsService } from './organizations.service';
import { TwoFactorRemindersJob } from './two-factor-reminders.job';

/** Organizations, members' roles and the 2FA requirement the global guard enforces. */
@Module({
  imports: [
    TypeOrmModule.forFeature([OrganizationEntity, OrganizationMembershipEntity]),
    AuditModule,
    MailModule,
    UsersModule,
  ],
  providers: [OrganizationsService, OrganizationsResolver, TwoFactorRemindersJob],
  exports: [OrganizationsService],
})
export class OrganizationsModule {}
