import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppError, ErrorCode } from '../../common/app-error';
import type { AuthenticatedSession } from '../../common/authenticated-session';
import { requestOf } from '../../common/graphql-request';
import { AuthService } from '../auth.service';
import { OPENINGS_KEY, Opening } from '../decorators/access.decorators';

/** Runs the passport bearer strategy and turns "no session" into the contract's UNAUTHENTICATED. */
@Injectable()
export class BearerAuthGuard extends AuthGuard('bearer') {
  override getRequest(context: ExecutionContext) {
    return requestOf(context);
  }

  override handleRequest<T>(error: unknown, session: T): T {
    if (error) throw error;
    if (!session) throw AppError.unauthenticated('Sign in to continue: the access token is missing, unknown, expired or revoked.');
    return session;
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
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const openings = this.reflector.getAllAndOverride<Opening[] | undefined>(OPENINGS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]) ?? [];
    if (openings.includes(Opening.PUBLIC)) return true;

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
        'Your organization requires two-step verification. Set it up to continue.',
      );
    }
    return true;
  }
}
