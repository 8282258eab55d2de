import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { CurrentSession } from '../common/current-session.decorator';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { SecurityEvent } from './models/security-event.model';
import { SecurityEventsService } from './security-events.service';

@Resolver(() => SecurityEvent)
export class SecurityEventsResolver {
  constructor(private readonly securityEvents: SecurityEventsService) {}

  @Query(() => [SecurityEvent], { description: 'The caller\'s security events, newest first (50 unless `first` says otherwise, at most 200).' })
  mySecurityEvents(
    @CurrentSession() session: AuthenticatedSession,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
  ): Promise<SecurityEvent[]> {
    return this.securityEvents.listForUser(session.userId, first);
  }
}
