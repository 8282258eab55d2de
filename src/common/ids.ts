import { AppError } from './app-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id that is not even a UUID names nothing the caller can see: NOT_FOUND, before any query. */
export function requireUuid(id: string, what: string): string {
  if (!UUID.test(id)) throw AppError.notFound(what);
  return id.toLowerCase();
}
