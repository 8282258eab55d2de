import { GraphQLError } from 'graphql';
import { QueryFailedError } from 'typeorm';
import { describe, expect, it, vi } from 'vitest';
import { Logger } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/app-error';
import type { Request, Response } from 'express';
import { requestContextMiddleware } from '../common/request-context';
import { formatGraphQLError, withoutSuggestions } from './format-error';

/** A request as the middleware reads it, carrying a client-chosen X-Request-Id. */
const requestWithId = (requestId: string) =>
  ({ ip: '127.0.0.1', header: (name: string) => (name.toLowerCase() === 'x-request-id' ? requestId : undefined) }) as unknown as Request;

const asResolverError = (original: Error) => new GraphQLError(original.message, { path: ['me'], originalError: original });

describe('formatGraphQLError', () => {
  it('passes a contract error through with its code and extras, without a stack trace', () => {
    const error = AppError.tooManyAttempts(42.2);
    const formatted = formatGraphQLError({ message: error.message, path: ['login'], extensions: { ...error.extensions, stacktrace: ['x'] } }, asResolverError(error));
    expect(formatted.extensions).toEqual({ code: ErrorCode.TOO_MANY_ATTEMPTS, retryAfterSeconds: 43 });
  });

  it('hides an unexpected error behind a request id and logs it with that id', () => {
    const logged = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const internal = new Error('relation "users" does not exist at 10.0.0.5');
    let formatted!: ReturnType<typeof formatGraphQLError>;
    requestContextMiddleware(requestWithId('req-12345678'), { setHeader: () => undefined, once: () => undefined } as unknown as Response, () => {
      formatted = formatGraphQLError({ message: internal.message, path: ['me'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } }, asResolverError(internal));
    });
    expect(formatted.message).not.toContain('users');
    expect(formatted.message).toContain('req-12345678');
    expect(formatted.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: 'req-12345678' });
    expect(logged.mock.calls[0][0]).toContain('req-12345678');
    logged.mockRestore();
  });

  it('answers a lost database connection SERVICE_UNAVAILABLE, without internals and with one warning line', () => {
    const warned = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const logged = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const lost = new QueryFailedError('SELECT * FROM "sessions"', [], Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
    const formatted = formatGraphQLError({ message: lost.message, path: ['me'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, asResolverError(lost));
    expect(formatted.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
    expect(formatted.message).not.toMatch(/sessions|administrator/);
    expect(warned).toHaveBeenCalledTimes(1);
    expect(logged).not.toHaveBeenCalled();
    warned.mockRestore();
    logged.mockRestore();
  });

  it('turns a request GraphQL itself refused into BAD_USER_INPUT', () => {
    const formatted = formatGraphQLError(
      { message: 'Cannot query field "x"', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      new GraphQLError('Cannot query field "x"'),
    );
    expect(formatted.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' });
  });
});

describe('withoutSuggestions', () => {
  it('drops the schema names graphql-js suggests, keeping the rest of the message', () => {
    expect(withoutSuggestions('Cannot query field "mee" on type "Query". Did you mean "me"?')).toBe('Cannot query field "mee" on type "Query".');
    expect(withoutSuggestions('Unknown argument "frist" on field "Query.mySecurityEvents". Did you mean "first"?')).toBe('Unknown argument "frist" on field "Query.mySecurityEvents".');
    expect(withoutSuggestions('Value "OWNR" does not exist in "OrganizationRole" enum. Did you mean the enum value "OWNER"?')).not.toContain('OWNER');
    expect(withoutSuggestions('Syntax Error: Expected Name, found <EOF>.')).toBe('Syntax Error: Expected Name, found <EOF>.');
  });
});
