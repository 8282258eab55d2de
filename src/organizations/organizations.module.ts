import { forwardRef, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { OrganizationMembershipEntity } from './entities/organization-membership.entity';
import { OrganizationEntity } from './entities/organization.entity';
import { OrganizationsResolver } from './organizations.resolver';
import { OrganizationsService } from './organizations.service';

/** Organizations, members' roles and the 2FA requirement the global guard enforces. */
@Module({
  imports: [
    TypeOrmModule.forFeature([OrganizationEntity, OrganizationMembershipEntity]),
    AuditModule,
    // Users live in auth; auth's guard asks this module whether a user is overdue for 2FA.
    forwardRef(() => AuthModule),
  ],
  providers: [OrganizationsService, OrganizationsResolver],
  exports: [OrganizationsService],
})
export class OrganizationsModule {}
