import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { SecurityEvent } from '../audit/models/security-event.model';
import { AuthService } from './auth.service';
import { toUser, User } from './models/user.model';

/** Per request: a page of events mostly names the same few users, so each is loaded once. */
type UserLookups = Map<string, Promise<User | null>>;

/** Users live in this module, so the user of a security event is resolved here. */
@Resolver(() => SecurityEvent)
export class SecurityEventUserResolver {
  constructor(private readonly auth: AuthService) {}

  @ResolveField(() => User, { nullable: true })
  user(@Parent() event: SecurityEvent, @Context() context: { userLookups?: UserLookups }): Promise<User | null> {
    if (!event.userId) return Promise.resolve(null);
    const lookups = (context.userLookups ??= new Map());
    let lookup = lookups.get(event.userId);
    if (!lookup) {
      lookup = this.auth.findUserById(event.userId).then((user) => (user ? toUser(user) : null));
      lookups.set(event.userId, lookup);
    }
    return lookup;
  }
}
