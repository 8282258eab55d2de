import { Catch, Logger } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import { AppError, contractErrorCodes } from './app-error';

/**
 * Without this, Nest logs every error a resolver throws as ERROR with its stack: a wrong password
 * would read like a server fault. A contract error (the client's doing) gets one debug line; the
 * error itself goes on to the client unchanged. Server-side codes (SERVICE_UNAVAILABLE) are left
 * to the code that raised them, which logs the cause.
 */
@Catch(AppError)
export class ClientErrorFilter implements GqlExceptionFilter {
  private readonly logger = new Logger('ClientError');

  catch(error: AppError): AppError {
    if (contractErrorCodes.has(error.code)) this.logger.debug(`${error.code}: ${error.message}`);
    return error;
  }
}
