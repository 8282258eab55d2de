import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { SecurityEvent } from '../audit/models/security-event.model';
import { AuthService } from './auth.service';
import { toUser, User } from './models/user.model';

/** Users live in this module, so the user of a security event is resolved here. */
@Resolver(() => SecurityEvent)
export class SecurityEventUserResolver {
  constructor(private readonly auth: AuthService) {}

  @ResolveField(() => User, { nullable: true })
  async user(@Parent() event: SecurityEvent): Promise<User | null> {
    if (!event.userId) return null;
    const user = await this.auth.findUserById(event.userId);
    return user ? toUser(user) : null;
  }
}
