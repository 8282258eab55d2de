import type { TypedDocumentString } from '../gql/graphql';

/** The contract's error codes, plus the two the server uses for failures the client did not cause. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'SECOND_FACTOR_REQUIRED'
  | 'TWO_FACTOR_SETUP_REQUIRED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'INVALID_CREDENTIALS'
  | 'INVALID_CODE'
  | 'CODE_EXPIRED'
  | 'TOO_MANY_ATTEMPTS'
  | 'CONFLICT'
  | 'NOT_FOUND'
  | 'FAILED_PRECONDITION'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR'
  /** No answer from the server at all (offline, server down). */
  | 'NETWORK';

export interface FieldProblem {
  field: string;
  message: string;
  /** Why, where the console has its own sentence: a refused new password's BREACHED, GUESSABLE or PERSONAL. */
  reason?: string;
}

/** A GraphQL error as the console uses it: the code and the extras the contract promises. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly operation: string,
    readonly extensions: {
      retryAfterSeconds?: number;
      attemptsRemaining?: number;
      fields?: FieldProblem[];
      requestId?: string;
      /** What a FAILED_PRECONDITION waits for, where one operation has several (e.g. 'PASSKEY'). */
      missing?: string;
    } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const ACCESS_TOKEN_KEY = 'console.accessToken';

/** The bearer token lives for the tab only (sessionStorage): closing the tab forgets it. */
export const accessToken = {
  get: (): string | null => sessionStorage.getItem(ACCESS_TOKEN_KEY),
  set: (token: string | null) => (token ? sessionStorage.setItem(ACCESS_TOKEN_KEY, token) : sessionStorage.removeItem(ACCESS_TOKEN_KEY)),
};

/** Someone (the session provider) wants to hear of answers that end or limit the session. */
let onSessionError: (error: ApiError) => void = () => undefined;
export function handleSessionErrors(listener: (error: ApiError) => void): void {
  onSessionError = listener;
}

const SESSION_CODES: ReadonlySet<ErrorCode> = new Set(['UNAUTHENTICATED', 'SECOND_FACTOR_REQUIRED', 'TWO_FACTOR_SETUP_REQUIRED']);

function operationName(document: string): string {
  return /(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? 'unknown';
}

/**
 * POSTs a generated, typed document to /graphql with the session's bearer token. Resolves to the
 * data, or throws an ApiError carrying the first error's contract code.
 */
export async function request<Result, Variables>(
  document: TypedDocumentString<Result, Variables>,
  ...[variables]: Variables extends Record<string, never> ? [] : [Variables]
): Promise<Result> {
  const query = document.toString();
  const operation = operationName(query);
  const token = accessToken.get();
  let body: { data?: Result | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  try {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables: variables ?? {} }),
    });
    body = await response.json();
  } catch {
    throw new ApiError('NETWORK', 'The server could not be reached.', operation);
  }
  const first = body.errors?.[0];
  if (first) {
    const { code, ...extensions } = (first.extensions ?? {}) as { code?: ErrorCode } & ApiError['extensions'];
    const error = new ApiError(code ?? 'INTERNAL_SERVER_ERROR', first.message, operation, extensions);
    if (SESSION_CODES.has(error.code)) onSessionError(error);
    throw error;
  }
  return body.data as Result;
}

/**
 * Downloads a file from a route under the same guard as /graphql (the bearer token goes in the
 * header, never the URL) and hands it to the browser as `filename`. Errors come back as ApiError,
 * like GraphQL's, with `operation` naming the download.
 */
export async function download(path: string, filename: string, operation: string): Promise<void> {
  const token = accessToken.get();
  let response: Response;
  try {
    response = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  } catch {
    throw new ApiError('NETWORK', 'The server could not be reached.', operation);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { errors?: Array<{ message: string; extensions?: { code?: ErrorCode } }> };
    const first = body.errors?.[0];
    const error = new ApiError(first?.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first?.message ?? response.statusText, operation);
    if (SESSION_CODES.has(error.code)) onSessionError(error);
    throw error;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
