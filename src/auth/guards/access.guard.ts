import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../common/app-error';
import type { AuthenticatedSession } from '../../common/authenticated-session';
import { requestOf } from '../../common/graphql-request';
import { TwoFactorRequirementService } from '../../organizations/two-factor-requirement.service';
import { ThrottlingService } from '../../throttling/throttling.service';
import { OPENINGS_KEY, Opening } from '../../common/access.decorators';
import { SessionsService } from '../sessions.service';
import { BearerTokenStrategy } from './bearer-token.strategy';

/**
 * The one global guard. Deny by default: every operation needs a full session of a user who is not
 * overdue for a required 2FA setup, unless a decorator opens it further. It decides from the
 * database on every request, so a revoked session or a new requirement takes effect at once.
 *
 * The session comes from passport (AuthGuard running this app's BearerTokenStrategy), which puts it
 * on the request as `authenticatedSession`; public operations never reach passport.
 */
@Injectable()
export class AccessGuard extends AuthGuard() {
  constructor(
    strategy: BearerTokenStrategy,
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    private readonly throttling: ThrottlingService,
    private readonly requirement: TwoFactorRequirementService,
  ) {
    // Given here rather than through PassportModule.register (whose options would replace these): the
    // strategy's name belongs to this app instance. No passport session: the token is the session.
    super({ defaultStrategy: strategy.name, session: false, property: 'authenticatedSession' });
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const openings = this.reflector.getAllAndOverride<Opening[] | undefined>(OPENINGS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]) ?? [];
    const request = requestOf(context);
    if (openings.includes(Opening.PUBLIC)) {
      if (context.getType<string>() === 'graphql') await this.throttling.countPublicRequest(request.ip);
      return true;
    }

    await super.canActivate(context);
    const session = request.authenticatedSession as AuthenticatedSession;

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

  /** The Fastify request behind a GraphQL operation or an HTTP route: what the strategy reads. */
  override getRequest(context: ExecutionContext): FastifyRequest {
    return requestOf(context);
  }

  /**
   * Passport's verdict. It reports through this callback and never answers the request itself; an
   * error of the strategy (the database failing) goes on unchanged, as an unknown error.
   */
  override handleRequest<TSession = AuthenticatedSession>(error: unknown, session: TSession | false | null): TSession {
    if (error) throw error;
    if (!session) throw AppError.unauthenticated('Sign in to continue: the access token is missing, unknown, expired or revoked.');
    return session;
  }
}
