import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { type Language, LANGUAGES } from './language';

/** What we know of the HTTP request that is being served, available anywhere below it. */
export interface RequestContext {
  requestId: string;
  ipAddress: string | null;
  userAgent: string | null;
  /** The best of our languages by the request's Accept-Language, or null when it names none of them. */
  language: Language | null;
  /** The GraphQL operation's name once Apollo has resolved it (see operationNamePlugin), for the error log. */
  operationName?: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{8,64}$/;

/** Express middleware: gives every request an id (echoed as X-Request-Id) and records its client. */
export function requestContextMiddleware(req: Request, res: Response, next: NextFunction): void {
  const offered = req.header('x-request-id');
  const requestId = offered && REQUEST_ID_PATTERN.test(offered) ? offered : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  const userAgent = req.header('user-agent')?.slice(0, 512) ?? null;
  const language = (req.header('accept-language') && req.acceptsLanguages(...LANGUAGES)) || null;
  storage.run({ requestId, ipAddress: plainIp(req.ip), userAgent, language: language as Language | null }, next);
}

/** "::ffff:10.0.0.1" is how Node shows an IPv4 client on a dual-stack socket: keep it as 10.0.0.1. */
function plainIp(ip: string | undefined): string | null {
  if (!ip) return null;
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
