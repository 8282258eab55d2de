import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { Transactions } from '../database/transactions';
import { MailModule } from '../mail/mail.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { UsersModule } from '../users/users.module';
import { OrganizationInvitationEntity } from './entities/organization-invitation.entity';
import { ExpiredInvitationsPruner } from './expired-invitations.pruner';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsResolver } from './invitations.resolver';
import { InvitationsService } from './invitations.service';

/** Invitations into an organization by email; memberships themselves stay with OrganizationsModule. */
@Module({
  imports: [TypeOrmModule.forFeature([OrganizationInvitationEntity]), AuditModule, MailModule, OrganizationsModule, ThrottlingModule, UsersModule],
  providers: [InvitationsService, InvitationsRepository, InvitationsResolver, ExpiredInvitationsPruner, Transactions],
  exports: [InvitationsService],
})
export class InvitationsModule {}
