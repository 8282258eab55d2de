import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedSession } from './authenticated-session';
import { requestOf } from './graphql-request';

/** The session the global guard resolved for this request. */
export const CurrentSession = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedSession => requestOf(context).user as AuthenticatedSession,
);
