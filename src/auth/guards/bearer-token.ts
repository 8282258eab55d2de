import type { IncomingHttpHeaders } from 'node:http';

/**
 * The session token of a request: `Authorization: Bearer <token>` and nothing else, never the query
 * string or the body, where it would end up in logs. BearerTokenStrategy, the passport strategy the
 * global guard runs, reads it only through here.
 */
export function bearerTokenOf(request: { headers: IncomingHttpHeaders }): string | null {
  return /^Bearer ([^\s]+)$/.exec(request.headers.authorization ?? '')?.[1] ?? null;
}
