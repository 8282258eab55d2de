import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import passport from 'passport';
import CustomStrategy from 'passport-custom';
import type { AuthenticatedSession } from '../../common/authenticated-session';
import { SessionsService } from '../sessions.service';
import { bearerTokenOf } from './bearer-token';

/**
 * passport-custom's Strategy under a name given to it. passport.use(strategy) files a strategy under
 * its `name`, and passport-custom calls every strategy 'custom'.
 */
class NamedCustomStrategy extends (CustomStrategy as new (verify: CustomStrategy.VerifyCallback) => Omit<CustomStrategy, 'name'>) {
  constructor(
    readonly name: string,
    verify: CustomStrategy.VerifyCallback,
  ) {
    super(verify);
  }
}

/** Counts the strategies made in this process, so each app instance registers its own. */
let strategiesMade = 0;

/**
 * The way from a request's bearer token to its session, as passport runs it for the global guard
 * (AccessGuard). Passport keeps its strategies by name in one registry per process, while a process
 * may run several app instances (the e2e tests, each on its own database): so each instance
 * registers its strategy under a name of its own (`bearer-token-1`, `bearer-token-2`, …), its guard
 * asks for that name, and the name is removed when the app closes.
 */
@Injectable()
export class BearerTokenStrategy extends PassportStrategy(NamedCustomStrategy) implements OnApplicationShutdown {
  constructor(private readonly sessions: SessionsService) {
    super(`bearer-token-${++strategiesMade}`);
  }

  /** The live session of the request's token; null (passport's "failed") for no token or a dead one. */
  async validate(request: FastifyRequest): Promise<AuthenticatedSession | null> {
    const token = bearerTokenOf(request);
    return token ? this.sessions.authenticate(token) : null;
  }

  /** After the HTTP server has closed, so no request of this app can still ask for the name. */
  onApplicationShutdown(): void {
    passport.unuse(this.name);
  }
}
