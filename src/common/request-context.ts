import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import Negotiator from 'negotiator';
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

/** Runs `work` (and everything it starts) with `context` as the current request's. */
export function runInRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{8,64}$/;

const contextOf = new WeakMap<FastifyRequest, RequestContext>();

/** Browsers send a handful of distinct Accept-Language values: each is negotiated once. */
const languageByHeader = new Map<string, Language | null>();
const LANGUAGE_CACHE_SIZE = 256;

/** The best of our languages for an Accept-Language header, or null when it names none of them. */
export function languageOf(acceptLanguage: string): Language | null {
  let language = languageByHeader.get(acceptLanguage);
  if (language !== undefined) return language;
  language = (new Negotiator({ headers: { 'accept-language': acceptLanguage } }).language([...LANGUAGES]) as Language | undefined) ?? null;
  if (languageByHeader.size >= LANGUAGE_CACHE_SIZE) languageByHeader.clear();
  languageByHeader.set(acceptLanguage, language);
  return language;
}

/** The request's id (the client's X-Request-Id when it is a plain one) and its client. */
export function readRequestContext(request: Pick<FastifyRequest, 'headers' | 'ip'>): RequestContext {
  const offered = request.headers['x-request-id'];
  const requestId = typeof offered === 'string' && REQUEST_ID_PATTERN.test(offered) ? offered : randomUUID();
  const userAgent = request.headers['user-agent']?.slice(0, 512) ?? null;
  const acceptLanguage = request.headers['accept-language'];
  const language = acceptLanguage ? languageOf(acceptLanguage) : null;
  return { requestId, ipAddress: plainIp(request.ip), userAgent, language };
}

/**
 * Gives every request an id (echoed as X-Request-Id) and records its client, for everything below
 * it. The context is entered twice: when the request arrives (for answers given before any handler,
 * such as a refused body) and again just before the handler, because the body is read in the
 * socket's own async context and would lose it.
 */
export function registerRequestContext(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const context: RequestContext = { ...readRequestContext(request), afterResponse: [] };
    contextOf.set(request, context);
    reply.header('X-Request-Id', context.requestId);
    const runQueued = () => {
      const queued = context.afterResponse ?? [];
      context.afterResponse = undefined;
      for (const task of queued) task();
    };
    // 'close' too: a client that hung up after its sign-in went through is still told about it.
    reply.raw.once('finish', runQueued);
    reply.raw.once('close', runQueued);
    runInRequestContext(context, done);
  });
  fastify.addHook('preHandler', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const context = contextOf.get(request);
    if (context) runInRequestContext(context, done);
    else done();
  });
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
