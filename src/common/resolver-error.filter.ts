import { type ArgumentsHost, Catch, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { GqlContextType } from '@nestjs/graphql';
import type { FastifyReply } from 'fastify';
import { AppError, contractErrorCodes } from './app-error';
import { HTTP_STATUS_OF_CODE } from './http-error-status';

/**
 * Without this, Nest logs every error a resolver throws as ERROR with its stack: a wrong password
 * would read like a server fault, and an unexpected error would be logged twice (here and by
 * formatGraphQLError, which logs it once with the request id and the operation). So in GraphQL an
 * error goes on to Apollo unchanged; a contract error (the client's doing) gets one debug line.
 * Server-side codes (SERVICE_UNAVAILABLE) are left to the code that raised them, which logs the
 * cause. On HTTP routes (downloads) an AppError is answered with its status and the same
 * `{ errors: [{ message, extensions }] }` shape as GraphQL; anything else keeps Nest's own handling.
 */
@Catch()
export class ResolverErrorFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('ClientError');

  override catch(error: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() !== 'graphql') {
      if (!(error instanceof AppError)) return super.catch(error, host);
      return host.switchToHttp().getResponse<FastifyReply>().code(HTTP_STATUS_OF_CODE[error.code]).send({ errors: [{ message: error.message, extensions: error.extensions }] });
    }
    if (error instanceof AppError && contractErrorCodes.has(error.code)) this.logger.debug(`${error.code}: ${error.message}`);
    return error;
  }
}

