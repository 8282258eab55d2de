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
  /** Work queued by runAfterResponse, run once the answer has gone out. */
  afterResponse?: Array<() => void>;
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
  const context: RequestContext = { requestId, ipAddress: plainIp(req.ip), userAgent, language: language as Language | null, afterResponse: [] };
  const runQueued = () => {
    const queued = context.afterResponse ?? [];
    context.afterResponse = undefined;
    for (const task of queued) task();
  };
  // 'close' too: a client that hung up after its sign-in went through is still told about it.
  res.once('finish', runQueued);
  res.once('close', runQueued);
  storage.run(context, next);
}

/**
 * Runs `task` once the current request's answer has gone out (at once, on the next turn, outside a
 * request), in the request's context (its client address, user agent and language): work the
 * client need not wait for, such as deciding and sending a mail. `task` must not throw.
 */
export function runAfterResponse(task: () => Promise<void>): void {
  const context = storage.getStore();
  const run = () => {
    const running = storage.run(context as RequestContext, task).finally(() => runningAfterResponse.delete(running));
    runningAfterResponse.add(running);
  };
  if (context?.afterResponse) context.afterResponse.push(run);
  else setImmediate(run);
}

const runningAfterResponse = new Set<Promise<void>>();

/** Resolves once the work runAfterResponse started has ended (a graceful shutdown waits for it, and tests do). */
export async function afterResponseWorkDone(): Promise<void> {
  while (runningAfterResponse.size > 0) await Promise.allSettled([...runningAfterResponse]);
}

/** "::ffff:10.0.0.1" is how Node shows an IPv4 client on a dual-stack socket: keep it as 10.0.0.1. */
function plainIp(ip: string | undefined): string | null {
  if (!ip) return null;
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
