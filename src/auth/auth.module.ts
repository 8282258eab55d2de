import { forwardRef, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { AuthResolver } from './auth.resolver';
import { AuthService } from './auth.service';
import { BearerTokenStrategy } from './bearer-token.strategy';
import { ExpiredSessionsPruner } from './expired-sessions.pruner';
import { ExpiredTrustedDevicesPruner } from './expired-trusted-devices.pruner';
import { SessionEntity } from './entities/session.entity';
import { TrustedDeviceEntity } from './entities/trusted-device.entity';
import { UserEntity } from './entities/user.entity';
import { AccessGuard, BearerAuthGuard } from './guards/access.guard';
import { SecurityEventUserResolver } from './security-event-user.resolver';

/** Users, passwords, sessions, trusted devices, and the global guard that reads them on every request. */
@Module({
  imports: [
    TypeOrmModule.forFeature([UserEntity, SessionEntity, TrustedDeviceEntity]),
    PassportModule,
    AuditModule,
    ThrottlingModule,
    // Organizations looks users up here; the guard asks organizations whether 2FA is overdue.
    forwardRef(() => OrganizationsModule),
  ],
  providers: [
    AuthService,
    AuthResolver,
    SecurityEventUserResolver,
    BearerTokenStrategy,
    BearerAuthGuard,
    { provide: APP_GUARD, useClass: AccessGuard },
    ExpiredSessionsPruner,
    ExpiredTrustedDevicesPruner,
  ],
  exports: [AuthService],
})
export class AuthModule {}
