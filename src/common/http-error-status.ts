import { ErrorCode, ServerErrorCode } from './app-error';

/** The HTTP status of each error code on plain HTTP routes (downloads); GraphQL answers carry the code instead. */
export const HTTP_STATUS_OF_CODE = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.SECOND_FACTOR_REQUIRED]: 403,
  [ErrorCode.TWO_FACTOR_SETUP_REQUIRED]: 403,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.INVALID_CREDENTIALS]: 400,
  [ErrorCode.INVALID_CODE]: 400,
  [ErrorCode.CODE_EXPIRED]: 400,
  [ErrorCode.TOO_MANY_ATTEMPTS]: 429,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.FAILED_PRECONDITION]: 400,
  [ServerErrorCode.SERVICE_UNAVAILABLE]: 503,
  [ServerErrorCode.INTERNAL_SERVER_ERROR]: 500,
} satisfies Record<ErrorCode | ServerErrorCode, number>;
