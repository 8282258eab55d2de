import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { describeOperation } from '../common/error-codes';
import { isEmail } from 'class-validator';
import { AppError, ErrorCode as Code } from '../common/app-error';
import { AmbiguousEmailError, normaliseEmail } from '../users/utils/normalise-email.util';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { CurrentSession } from '../common/current-session.decorator';
import { requireUuid } from '../common/ids';
import { AccountsService } from './accounts.service';
import { AllowAnySession, AllowDuringForcedTwoFactorSetup, Public } from '../common/access.decorators';
import { ChangePasswordInput, LoginInput, ResetPasswordInput, SignUpInput } from './dto/auth.inputs';
import { PasswordResetsService } from './password-resets.service';
import { AuthPayload } from './models/auth-payload.model';
import { Session } from './models/session.model';
import { TrustedDevice } from './models/trusted-device.model';
import { SessionsService } from './sessions.service';
import { TrustedDevicesService } from './trusted-devices.service';
import { toUser, User } from '../users/models/user.model';

@Resolver()
export class AuthResolver {
  constructor(
    private readonly accounts: AccountsService,
    private readonly sessionService: SessionsService,
    private readonly devices: TrustedDevicesService,
    private readonly securityEvents: SecurityEventsService,
    private readonly passwordResets: PasswordResetsService,
  ) {}

  @Public()
  @Mutation(() => AuthPayload, {
    description: describeOperation(
      'Creates an account (email, password of 10 to 128 characters, optional name) and signs it in fully: status AUTHENTICATED.',
      [Code.BAD_USER_INPUT, Code.CONFLICT, Code.TOO_MANY_ATTEMPTS],
    ),
  })
  async signUp(@Args('input', { description: 'Email, password and optional name.' }) input: SignUpInput): Promise<AuthPayload> {
    return this.sessionService.payloadFor(await this.accounts.signUp(input));
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description: describeOperation(
      'Signs in with email and password. Without 2FA, or with a valid trustedDeviceToken, status is AUTHENTICATED (or TWO_FACTOR_SETUP_REQUIRED when an organization requires 2FA and the grace period is over). With 2FA the token is a pending one (10 minutes): status SECOND_FACTOR_REQUIRED, then call verifyLoginSecondFactor with it. 10 wrong passwords for an email in 15 minutes lock it (the same answer for unknown emails). trustedDeviceRejected says to forget a device token that no longer works.',
      [Code.BAD_USER_INPUT, Code.INVALID_CREDENTIALS, Code.TOO_MANY_ATTEMPTS],
    ),
  })
  async login(@Args('input', { description: 'Email, password and, if this browser has one, its trustedDeviceToken.' }) input: LoginInput): Promise<AuthPayload> {
    return this.sessionService.payloadFor(await this.accounts.login(input));
  }

  @Public()
  @Mutation(() => Boolean, {
    description: describeOperation(
      'Public. Always answers true, for a known email or not, in about the same time. For a known email it mails a link <PUBLIC_URL>/reset-password?token=<token>: the token is single-use, valid 30 minutes, and a newer request voids older ones.',
      [Code.BAD_USER_INPUT, Code.TOO_MANY_ATTEMPTS],
    ),
  })
  async requestPasswordReset(@Args('email', { description: 'The login email of the account.' }) email: string): Promise<boolean> {
    await this.passwordResets.request(requireEmail(email));
    return true;
  }

  @Public()
  @Mutation(() => Boolean, {
    description: describeOperation(
      'Public. Sets the new password; every session and every trusted device of the user ends, and a notice is mailed. 2FA stays as it was: the next login still asks for the second factor. A used or unknown token is INVALID_CODE, an expired one CODE_EXPIRED.',
      [Code.BAD_USER_INPUT, Code.INVALID_CODE, Code.CODE_EXPIRED, Code.TOO_MANY_ATTEMPTS],
    ),
  })
  async resetPassword(@Args('input', { description: 'The token from the mailed link and the new password.' }) input: ResetPasswordInput): Promise<boolean> {
    await this.passwordResets.reset(input.token, input.newPassword);
    return true;
  }

  @AllowAnySession()
  @Mutation(() => Boolean, { description: 'Ends this session (pending ones too); always true.' })
  async logout(@CurrentSession() session: AuthenticatedSession): Promise<boolean> {
    await this.sessionService.logout(session.sessionId);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Sign out completely: every session and every trusted device of the user ends.' })
  async logoutEverywhere(@CurrentSession() session: AuthenticatedSession): Promise<boolean> {
    await this.sessionService.logoutEverywhere(session.userId);
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

  @Query(() => [Session], { description: "The caller's live sessions (not expired, not revoked), the current one included, newest first." })
  sessions(@CurrentSession() session: AuthenticatedSession): Promise<Session[]> {
    return this.sessionService.listLive(session.userId, session.sessionId);
  }

  @Mutation(() => Boolean, {
    description: describeOperation("Ends one of the caller's sessions (its token stops working on its next request). An id that is not the caller's is NOT_FOUND.", [Code.NOT_FOUND]),
  })
  async revokeSession(
    @CurrentSession() session: AuthenticatedSession,
    @Args('id', { type: () => ID, description: 'Session.id from sessions.' }) id: string,
  ): Promise<boolean> {
    await this.sessionService.revokeOwn(session.userId, requireUuid(id, 'The session'));
    return true;
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

/** requestPasswordReset takes a bare email argument: normalised and checked as the sign-up input's field is. */
function requireEmail(email: string): string {
  let normalised: string;
  try {
    normalised = normaliseEmail(email);
  } catch (error) {
    if (error instanceof AmbiguousEmailError) throw AppError.badInput([{ field: 'email', message: error.message }]);
    throw error;
  }
  if (normalised.length > 254 || !isEmail(normalised)) throw AppError.badInput([{ field: 'email', message: 'must be an email address' }]);
  return normalised;
}
