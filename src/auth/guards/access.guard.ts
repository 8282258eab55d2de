import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError, ErrorCode } from '../../common/app-error';
import { requestOf } from '../../common/graphql-request';
import { TwoFactorRequirementService } from '../../organizations/two-factor-requirement.service';
import { ThrottlingService } from '../../throttling/throttling.service';
import { OPENINGS_KEY, Opening } from '../../common/access.decorators';
import { SessionsService } from '../sessions.service';
import { bearerTokenOf } from './bearer-token';

/**
 * The one global guard. Deny by default: every operation needs a full session of a user who is not
 * overdue for a required 2FA setup, unless a decorator opens it further. It decides from the
 * database on every request, so a revoked session or a new requirement takes effect at once.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    private readonly throttling: ThrottlingService,
    private readonly requirement: TwoFactorRequirementService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const openings = this.reflector.getAllAndOverride<Opening[] | undefined>(OPENINGS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]) ?? [];
    const request = requestOf(context);
    if (openings.includes(Opening.PUBLIC)) {
      if (context.getType<string>() === 'graphql') await this.throttling.countPublicRequest(request.ip);
      return true;
    }

    const token = bearerTokenOf(request);
    const session = token ? await this.sessions.authenticate(token) : null;
    if (!session) throw AppError.unauthenticated('Sign in to continue: the access token is missing, unknown, expired or revoked.');
    request.authenticatedSession = session;

    if (session.level === 'PASSWORD') {
      if (openings.includes(Opening.PENDING_SECOND_FACTOR)) return true;
      throw new AppError(
        ErrorCode.SECOND_FACTOR_REQUIRED,
        'Enter the code from your authenticator app (or a recovery code) to finish signing in.',
      );
    }
    if (openings.includes(Opening.FORCED_TWO_FACTOR_SETUP)) return true;
    if (await this.requirement.isOverdue(session.user)) {
      throw new AppError(
        ErrorCode.TWO_FACTOR_SETUP_REQUIRED,
        'Your organization requires two-step verification. Set it up to continue (twoFactorStatus.requiringOrganizations names the organization; you can also leave it).',
      );
    }
    if (await this.sessions.isHeldForPasskey(session)) {
      throw new AppError(
        ErrorCode.TWO_FACTOR_SETUP_REQUIRED,
        'An organization of yours accepts only a passkey or a security key for your role. Add one (startPasskeyRegistration) if you have none, then sign in again with it.',
      );
    }
    return true;
  }
}
