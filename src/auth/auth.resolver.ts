import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { CurrentSession } from '../common/current-session.decorator';
import { requireUuid } from '../common/ids';
import { AccountsService } from './accounts.service';
import { AllowAnySession, AllowDuringForcedTwoFactorSetup, Public } from './decorators/access.decorators';
import { ChangePasswordInput, LoginInput, SignUpInput } from './dto/auth.inputs';
import { AuthPayload } from './models/auth-payload.model';
import { TrustedDevice } from './models/trusted-device.model';
import { SessionsService } from './sessions.service';
import { TrustedDevicesService } from './trusted-devices.service';
import { toUser, User } from '../users/models/user.model';

@Resolver()
export class AuthResolver {
  constructor(
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly devices: TrustedDevicesService,
    private readonly securityEvents: SecurityEventsService,
  ) {}

  @Public()
  @Mutation(() => AuthPayload)
  async signUp(@Args('input') input: SignUpInput): Promise<AuthPayload> {
    return this.sessions.payloadFor(await this.accounts.signUp(input));
  }

  @Public()
  @Mutation(() => AuthPayload)
  async login(@Args('input') input: LoginInput): Promise<AuthPayload> {
    return this.sessions.payloadFor(await this.accounts.login(input));
  }

  @AllowAnySession()
  @Mutation(() => Boolean, { description: 'Ends this session.' })
  async logout(@CurrentSession() session: AuthenticatedSession): Promise<boolean> {
    await this.sessions.logout(session.sessionId);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Sign out completely: every session and every trusted device of the user ends.' })
  async logoutEverywhere(@CurrentSession() session: AuthenticatedSession): Promise<boolean> {
    await this.sessions.logoutEverywhere(session.userId);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Other sessions and all trusted devices end.' })
  async changePassword(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input') input: ChangePasswordInput,
  ): Promise<boolean> {
    await this.accounts.changePassword(session, input);
    return true;
  }

  @AllowDuringForcedTwoFactorSetup()
  @Query(() => User)
  me(@CurrentSession() session: AuthenticatedSession): User {
    return toUser(session.user);
  }

  @Query(() => [TrustedDevice])
  trustedDevices(@CurrentSession() session: AuthenticatedSession): Promise<TrustedDevice[]> {
    return this.devices.list(session.userId);
  }

  @Mutation(() => Boolean)
  async revokeTrustedDevice(
    @CurrentSession() session: AuthenticatedSession,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<boolean> {
    await this.devices.revoke(session.userId, requireUuid(id, 'The trusted device'));
    await this.securityEvents.record({ type: SecurityEventType.TRUSTED_DEVICE_REVOKED, userId: session.userId });
    return true;
  }
}
