import { unwrapResolverError } from '@apollo/server/errors';
import { Logger } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
import { AppError, contractErrorCodes, ErrorCode, ServerErrorCode } from '../common/app-error';
import { currentRequestContext } from '../common/request-context';
import { isDatabaseUnavailable } from '../database/database-unavailable';

const logger = new Logger('GraphQL');

/** Apollo's own codes for requests that never reached a resolver: all the client's doing. */
const REQUEST_PROBLEM_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * The one place where an error becomes what the client sees: contract errors pass with their code
 * and extras; malformed requests become BAD_USER_INPUT; a lost database connection becomes
 * SERVICE_UNAVAILABLE; anything else is logged with the request id and answered without internals.
 */
export function formatGraphQLError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: { hideSuggestions?: boolean } = {},
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };

  if (original instanceof AppError) {
    const { stacktrace: _dropped, ...extensions } = original.extensions as Record<string, unknown>;
    return { ...base, message: original.message, extensions };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && (REQUEST_PROBLEM_CODES.has(code) || contractErrorCodes.has(code)) && !formatted.path) {
    const message = options.hideSuggestions ? withoutSuggestions(formatted.message) : formatted.message;
    return { ...base, message, extensions: { code: ErrorCode.BAD_USER_INPUT, reason: code, fields: [] } };
  }

  const context = currentRequestContext();
  const requestId = context?.requestId ?? 'none';
  const cause = original instanceof Error ? original : new Error(String(original));
  if (isDatabaseUnavailable(original)) {
    // A failover or a restart of PostgreSQL, not a fault in the code: one line, no stack.
    logger.warn(`request ${requestId}, operation ${context?.operationName ?? '(unnamed)'}: database unavailable: ${cause.message}`);
    const unavailable = AppError.databaseUnavailable();
    return { message: unavailable.message, path: formatted.path, extensions: unavailable.extensions };
  }
  // The only log line of the error (the resolver error filter lets it pass without one).
  logger.error(`request ${requestId}, operation ${context?.operationName ?? '(unnamed)'}: ${cause.message}`, cause.stack);
  return {
    message: `Something went wrong on our side. If it keeps happening, quote request id ${requestId}.`,
    path: formatted.path,
    extensions: { code: ServerErrorCode.INTERNAL_SERVER_ERROR, requestId },
  };
}

/**
 * graphql-js answers a misspelt name with "Did you mean …?", naming fields, arguments and enum
 * values of the schema: with introspection off (production), that would still reveal it bit by bit.
 */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean .*\?$/s, '');
}
