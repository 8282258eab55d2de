import { Logger } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from './app-error';

/** Large enough for any legitimate operation, small enough that nobody streams megabytes at us. */
export const MAX_REQUEST_BODY_BYTES = 256 * 1024;

/** Fastify's body-parser errors (FST_ERR_CTP_*) as a sentence, a status and a reason; null for any other error. */
export function refusedBody(error: unknown): { message: string; status: number; reason: string } | null {
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  if (typeof code !== 'string' || !code.startsWith('FST_ERR_CTP_') || typeof statusCode !== 'number' || statusCode >= 500) return null;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { message: `The request body is larger than ${MAX_REQUEST_BODY_BYTES / 1024} KiB.`, status: 413, reason: 'entity.too.large' };
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { message: 'The request body must be JSON (Content-Type: application/json).', status: 415, reason: 'unsupported.media.type' };
  return { message: 'The request body is not valid JSON.', status: 400, reason: 'entity.parse.failed' };
}

type ErrorHandler = (error: unknown, request: FastifyRequest, reply: FastifyReply) => unknown;

/**
 * Malformed or oversized JSON never reaches GraphQL: Fastify refuses it while reading the body, and
 * this answers it in GraphQL's error shape. Nest installs Fastify's error handler itself (its
 * exception filters do not see errors of routes it did not make, such as Apollo's), so the refusal
 * is put in front of Nest's handler here.
 */
export class AppFastifyAdapter extends FastifyAdapter {
  override setErrorHandler(handler: ErrorHandler) {
    return super.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
      const refused = refusedBody(error);
      if (!refused) return handler(error, request, reply);
      new Logger('HTTP').debug(`Refused a request: ${refused.message}`);
      return reply.code(refused.status).send({ errors: [{ message: refused.message, extensions: { code: ErrorCode.BAD_USER_INPUT, reason: refused.reason, fields: [] } }] });
    });
  }
}
