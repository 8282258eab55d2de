import { Args, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentSession } from '../common/current-session.decorator';
import { deviceName } from '../common/device-name.util';
import { locationOf } from '../common/ip-location.util';
import { ErrorCode } from '../common/app-error';
import { describeOperation } from '../common/error-codes';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { SecurityEvent } from './models/security-event.model';
import { SecurityEventsService } from './security-events.service';

@Resolver(() => SecurityEvent)
export class SecurityEventsResolver {
  constructor(private readonly securityEvents: SecurityEventsService) {}

  @Query(() => [SecurityEvent], {
    description: describeOperation("The caller's security events (sign-ins, failures, 2FA and password changes…), newest first.", [ErrorCode.BAD_USER_INPUT]),
  })
  mySecurityEvents(
    @CurrentSession() session: AuthenticatedSession,
    @Args('first', { type: () => Int, nullable: true, description: 'How many, 1 to 200; 50 when left out.' }) first?: number,
  ): Promise<SecurityEvent[]> {
    return this.securityEvents.listForUser(session.userId, first);
  }

  @ResolveField(() => String, { nullable: true, description: "As Session.device, for the event's user agent." })
  device(@Parent() event: SecurityEvent): string | null {
    return deviceName(event.userAgent);
  }

  @ResolveField(() => String, { nullable: true, description: "As Session.location, for the event's address." })
  location(@Parent() event: SecurityEvent): Promise<string | null> {
    return locationOf(event.ipAddress);
  }
}
