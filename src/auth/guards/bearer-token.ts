import type { IncomingHttpHeaders } from 'node:http';

/**
 * The session token of a request: `Authorization: Bearer <token>` and nothing else, never the query
 * string or the body, where it would end up in logs. Read here rather than through passport, whose
 * strategy registry is process-wide while several app instances share one process (tests, scale-out).
 */
export function bearerTokenOf(request: { headers: IncomingHttpHeaders }): string | null {
  return /^Bearer ([^\s]+)$/.exec(request.headers.authorization ?? '')?.[1] ?? null;
}
