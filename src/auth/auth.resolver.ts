import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { describeOperation } from '../common/error-codes';
import { ErrorCode as Code } from '../common/app-error';
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
  @Mutation(() => AuthPayload, {
    description: describeOperation(
      'Creates an account (email, password of 10 to 128 characters, optional name) and signs it in fully: status AUTHENTICATED.',
      [Code.BAD_USER_INPUT, Code.CONFLICT, Code.TOO_MANY_ATTEMPTS],
    ),
  })
  async signUp(@Args('input', { description: 'Email, password and optional name.' }) input: SignUpInput): Promise<AuthPayload> {
    return this.sessions.payloadFor(await this.accounts.signUp(input));
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description: describeOperation(
      'Signs in with email and password. Without 2FA, or with a valid trustedDeviceToken, status is AUTHENTICATED (or TWO_FACTOR_SETUP_REQUIRED when an organization requires 2FA and the grace period is over). With 2FA the token is a pending one (10 minutes): status SECOND_FACTOR_REQUIRED, then call verifyLoginSecondFactor with it. 10 wrong passwords for an email in 15 minutes lock it (the same answer for unknown emails). trustedDeviceRejected says to forget a device token that no longer works.',
      [Code.BAD_USER_INPUT, Code.INVALID_CREDENTIALS, Code.TOO_MANY_ATTEMPTS],
    ),
  })
  async login(@Args('input', { description: 'Email, password and, if this browser has one, its trustedDeviceToken.' }) input: LoginInput): Promise<AuthPayload> {
    return this.sessions.payloadFor(await this.accounts.login(input));
  }

  @AllowAnySession()
  @Mutation(() => Boolean, { description: 'Ends this session (pending ones too); always true.' })
  async logout(@CurrentSession() session: AuthenticatedSession): Promise<boolean> {
    await this.sessions.logout(session.sessionId);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Sign out completely: every session and every trusted device of the user ends.' })
  async logoutEverywhere(@CurrentSession() session: AuthenticatedSession): Promise<boolean> {
    await this.sessions.logoutEverywhere(session.userId);
    return true;
  }

  @Mutation(() => Boolean, {
    description: describeOperation(
      'Needs the current password; the new one is 10 to 128 characters. This session stays; every other session and all trusted devices end. Wrong current passwords count against the same limit as login.',
      [Code.BAD_USER_INPUT, Code.INVALID_CREDENTIALS, Code.TOO_MANY_ATTEMPTS],
    ),
  })
  async changePassword(
    @CurrentSession() session: AuthenticatedSession,
    @Args('input', { description: 'The current password and the new one.' }) input: ChangePasswordInput,
  ): Promise<boolean> {
    await this.accounts.changePassword(session, input);
    return true;
  }

  @AllowDuringForcedTwoFactorSetup()
  @Query(() => User, { description: 'The signed-in user. Open during forced 2FA setup.' })
  me(@CurrentSession() session: AuthenticatedSession): User {
    return toUser(session.user);
  }

  @Query(() => [TrustedDevice], { description: "The user's live trusted devices (browsers that skip the second factor), newest first." })
  trustedDevices(@CurrentSession() session: AuthenticatedSession): Promise<TrustedDevice[]> {
    return this.devices.list(session.userId);
  }

  @Mutation(() => Boolean, {
    description: describeOperation("Ends one trusted device: its token no longer skips the second factor. Another user's device id is NOT_FOUND.", [Code.NOT_FOUND]),
  })
  async revokeTrustedDevice(
    @CurrentSession() session: AuthenticatedSession,
    @Args('id', { type: () => ID, description: 'TrustedDevice.id from trustedDevices.' }) id: string,
  ): Promise<boolean> {
    await this.devices.revoke(session.userId, requireUuid(id, 'The trusted device'));
    await this.securityEvents.record({ type: SecurityEventType.TRUSTED_DEVICE_REVOKED, userId: session.userId });
    return true;
  }
}
