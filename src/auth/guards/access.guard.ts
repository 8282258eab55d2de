import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import passport from 'passport';
import { AppError, ErrorCode } from '../../common/app-error';
import type { AuthenticatedSession } from '../../common/authenticated-session';
import { requestOf } from '../../common/graphql-request';
import { AuthService } from '../auth.service';
import { BearerTokenStrategy } from '../bearer-token.strategy';
import { ThrottlingService } from '../../throttling/throttling.service';
import { OPENINGS_KEY, Opening } from '../decorators/access.decorators';

/**
 * Runs this application's bearer strategy through passport and turns "no session" into the
 * contract's UNAUTHENTICATED. The strategy instance is passed to passport directly rather than looked
 * up by name in passport's process-wide registry, so several app instances in one process (tests,
 * benchmarks) each use their own.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(private readonly strategy: BearerTokenStrategy) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = requestOf(context);
    const session = await new Promise<AuthenticatedSession | false>((resolve, reject) => {
      // passport attaches per-request callbacks to the strategy object: give it a fresh one each time.
      const perRequestStrategy = Object.create(this.strategy) as passport.Strategy;
      const authenticate = passport.authenticate(perRequestStrategy, { session: false }, (error: unknown, user: AuthenticatedSession | false) =>
        error ? reject(error) : resolve(user),
      );
      authenticate(request, request.res, reject);
    });
    if (!session) throw AppError.unauthenticated('Sign in to continue: the access token is missing, unknown, expired or revoked.');
    request.user = session;
    return true;
  }
}

/**
 * The one global guard. Deny by default: every operation needs a full session of a user who is not
 * overdue for a required 2FA setup, unless a decorator opens it further. It decides from the
 * database on every request, so a revoked session or a new requirement takes effect at once.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly bearer: BearerAuthGuard,
    private readonly auth: AuthService,
    private readonly throttling: ThrottlingService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const openings = this.reflector.getAllAndOverride<Opening[] | undefined>(OPENINGS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]) ?? [];
    if (openings.includes(Opening.PUBLIC)) {
      if (context.getType<string>() === 'graphql') await this.throttling.countPublicRequest(requestOf(context).ip);
      return true;
    }

    await this.bearer.canActivate(context);
    const session = requestOf(context).user as AuthenticatedSession;

    if (session.level === 'PASSWORD') {
      if (openings.includes(Opening.PENDING_SECOND_FACTOR)) return true;
      throw new AppError(
        ErrorCode.SECOND_FACTOR_REQUIRED,
        'Enter the code from your authenticator app (or a recovery code) to finish signing in.',
      );
    }
    if (openings.includes(Opening.FORCED_TWO_FACTOR_SETUP)) return true;
    if (await this.auth.isOverdueForTwoFactorSetup(session.user)) {
      throw new AppError(
        ErrorCode.TWO_FACTOR_SETUP_REQUIRED,
        'Your organization requires two-step verification. Set it up to continue (twoFactorStatus.requiringOrganizations names the organization; you can also leave it).',
      );
    }
    return true;
  }
}
