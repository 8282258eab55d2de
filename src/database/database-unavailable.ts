import { QueryRunnerAlreadyReleasedError } from 'typeorm';

/**
 * SQLSTATEs of a server that is going away or not taking connections (admin_shutdown,
 * crash_shutdown, cannot_connect_now), of a lost or refused connection (08xxx), and of a write sent
 * to a node still in recovery (read_only_sql_transaction): what a failover looks like from here.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', '25006']);
/** Socket errors of the connection to PostgreSQL (or to the pooler or balancer in front of it). */
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** A stopped PostgreSQL removes its Unix socket: connecting then fails with ENOENT on that path. */
const isMissingPostgresSocket = (code: unknown, address: unknown) => code === 'ENOENT' && typeof address === 'string' && address.includes('/.s.PGSQL.');
/** node-postgres and its pool say these without a code. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /is not queryable/,
];

/**
 * Whether `error` means the database could not be reached, rather than that a statement was wrong:
 * the request can be retried as it is in a moment. Looks through TypeORM's QueryFailedError
 * (`driverError`), `cause` chains and the AggregateError Node gives for a refused dual-stack connect.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  // TypeORM releases a transaction's query runner when its connection errors (a node stopped
  // mid-transaction): the COMMIT that follows then throws this, not the socket error.
  if (error instanceof QueryRunnerAlreadyReleasedError) return true;
  const { code, address, message, driverError, cause, errors } = error as { code?: unknown; address?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code))) return true;
  if (isMissingPostgresSocket(code, address)) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  const inner = [driverError, cause, ...(Array.isArray(errors) ? errors : [])];
  return inner.some((candidate) => isDatabaseUnavailable(candidate, depth + 1));
}
