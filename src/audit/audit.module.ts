import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecurityEventEntity } from './entities/security-event.entity';
import { OldSecurityEventsPruner } from './old-security-events.pruner';
import { SecurityEventsRepository } from './security-events.repository';
import { SecurityEventsResolver } from './security-events.resolver';
import { SecurityEventsService } from './security-events.service';

/** Security events: who did what to an account or an organization, from where. */
@Module({
  imports: [TypeOrmModule.forFeature([SecurityEventEntity])],
  providers: [SecurityEventsService, SecurityEventsRepository, SecurityEventsResolver, OldSecurityEventsPruner],
  exports: [SecurityEventsService],
})
export class AuditModule {}
