import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy as PassportStrategyBase } from 'passport-strategy';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { AuthService } from './auth.service';

type Verify = (token: string, done: (error: unknown, session?: AuthenticatedSession | false | null) => void) => void;

/**
 * Reads `Authorization: Bearer <token>` and nothing else: unlike passport-http-bearer it never takes
 * a token from the query string or the body, where it would end up in logs.
 */
export class AuthorizationHeaderStrategy extends PassportStrategyBase {
  name = 'bearer';

  constructor(private readonly verify: Verify) {
    super();
  }

  override authenticate(req: Request): void {
    const match = /^Bearer ([^\s]+)$/.exec(req.headers.authorization ?? '');
    if (!match) return this.fail(401);
    this.verify(match[1], (error, session) => {
      if (error) return this.error(error as Error);
      if (!session) return this.fail(401);
      return this.success(session);
    });
  }
}

@Injectable()
export class BearerTokenStrategy extends PassportStrategy(AuthorizationHeaderStrategy, 'bearer') {
  constructor(private readonly auth: AuthService) {
    super();
  }

  validate(token: string): Promise<AuthenticatedSession | null> {
    return this.auth.authenticate(token);
  }
}
