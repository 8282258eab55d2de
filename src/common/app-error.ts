import { GraphQLError } from 'graphql';

/** The error codes of `../shared/api/contract.graphql`; clients switch on `extensions.code`. */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  SECOND_FACTOR_REQUIRED = 'SECOND_FACTOR_REQUIRED',
  TWO_FACTOR_SETUP_REQUIRED = 'TWO_FACTOR_SETUP_REQUIRED',
  FORBIDDEN = 'FORBIDDEN',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  INVALID_CODE = 'INVALID_CODE',
  CODE_EXPIRED = 'CODE_EXPIRED',
  TOO_MANY_ATTEMPTS = 'TOO_MANY_ATTEMPTS',
  CONFLICT = 'CONFLICT',
  NOT_FOUND = 'NOT_FOUND',
  FAILED_PRECONDITION = 'FAILED_PRECONDITION',
}

/**
 * Codes for failures the client did not cause; kept apart from the contract's codes so that a
 * client's exhaustive switch over ErrorCode stays exhaustive.
 */
export enum ServerErrorCode {
  /** A dependency (the mail server, the database) is down; the request can be retried as it is. */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

export const contractErrorCodes: ReadonlySet<string> = new Set(Object.values(ErrorCode));

export interface FieldProblem {
  field: string;
  message: string;
  /** A machine-readable why, where clients show their own sentence (a refused password: PasswordProblem). */
  reason?: string;
}

/** A failure the client caused: carried to the client as-is, with its contract code. */
export class AppError extends GraphQLError {
  constructor(
    readonly code: ErrorCode | ServerErrorCode,
    message: string,
    extras: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { code, ...extras } });
    this.name = 'AppError';
  }

  static unauthenticated(message = 'Sign in to continue.') {
    return new AppError(ErrorCode.UNAUTHENTICATED, message);
  }

  static forbidden(message = 'Your role does not allow this.') {
    return new AppError(ErrorCode.FORBIDDEN, message);
  }

  static notFound(what: string) {
    return new AppError(ErrorCode.NOT_FOUND, `${what} was not found.`);
  }

  static badInput(fields: FieldProblem[]) {
    const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    return new AppError(ErrorCode.BAD_USER_INPUT, `Invalid input. ${summary}`, { fields });
  }

  static mailUnavailable() {
    return new AppError(
      ServerErrorCode.SERVICE_UNAVAILABLE,
      'We could not send the email just now, and nothing was changed. Please try again in a moment.',
    );
  }

  static databaseUnavailable() {
    return new AppError(
      ServerErrorCode.SERVICE_UNAVAILABLE,
      'The service cannot reach its database just now. Please try again in a moment.',
    );
  }

  static tooManyAttempts(retryAfterSeconds: number, message?: string) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    return new AppError(
      ErrorCode.TOO_MANY_ATTEMPTS,
      message ?? `Too many attempts. Try again in ${seconds} seconds.`,
      { retryAfterSeconds: seconds },
    );
  }
}
