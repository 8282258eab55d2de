import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedSession } from './authenticated-session';
import { requestOf } from './graphql-request';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the global guard once the bearer token resolved to a live session. */
    authenticatedSession?: AuthenticatedSession;
  }
}

/** The session the global guard resolved for this request. */
export const CurrentSession = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedSession => requestOf(context).authenticatedSession as AuthenticatedSession,
);
