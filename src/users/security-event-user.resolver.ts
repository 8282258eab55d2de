import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { SecurityEvent } from '../audit/models/security-event.model';
import { UsersService } from './users.service';
import { toUser, User } from './models/user.model';

/** Per request: a page of events mostly names the same few users, so each is loaded once. */
type UserLookups = Map<string, Promise<User | null>>;

/** Users live in this module, so the user of a security event is resolved here. */
@Resolver(() => SecurityEvent)
export class SecurityEventUserResolver {
  constructor(private readonly users: UsersService) {}

  @ResolveField(() => User, { nullable: true, description: 'The account the event happened to.' })
  user(@Parent() event: SecurityEvent, @Context() context: { userLookups?: UserLookups }): Promise<User | null> {
    return this.lookUp(event.userId, context);
  }

  @ResolveField(() => User, { nullable: true, description: 'Who made the change, when it was someone else than `user` (an admin).' })
  actor(@Parent() event: SecurityEvent, @Context() context: { userLookups?: UserLookups }): Promise<User | null> {
    return this.lookUp(event.actorUserId, context);
  }

  private lookUp(userId: string | null, context: { userLookups?: UserLookups }): Promise<User | null> {
    if (!userId) return Promise.resolve(null);
    const lookups = (context.userLookups ??= new Map());
    let lookup = lookups.get(userId);
    if (!lookup) {
      lookup = this.users.findById(userId).then((user) => (user ? toUser(user) : null));
      lookups.set(userId, lookup);
    }
    return lookup;
  }
}
