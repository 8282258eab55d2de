import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import { type INestApplication, Logger, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { AppModule, type AppOverrides } from './app.module';
import { ErrorCode } from './common/app-error';
import { InFlightRequests } from './common/in-flight-requests';
import { rejectUnusableText } from './common/reject-unusable-text';
import { structuredLogger } from './common/logging';
import { afterResponseWorkDone, requestContextMiddleware } from './common/request-context';
import { securityHeaders } from './common/security-headers';
import type { AppConfig } from './config/app-config';
import { graphiqlRouter } from './graphql/graphiql-page';
import { Draining } from './health/draining';
import { webConsoleRouter } from './web-console/web-console';

/** Large enough for any legitimate operation, small enough that nobody streams megabytes at us. */
export const MAX_REQUEST_BODY = '256kb';

const inFlightByApp = new WeakMap<INestApplication, InFlightRequests>();

/** How many requests the app is serving right now. */
export function inFlightRequestCount(app: INestApplication): number {
  return inFlightByApp.get(app)?.current ?? 0;
}

/** How long, after the drain delay, requests in flight may take before the app closes anyway. */
export const DRAIN_GRACE_MS = 10_000;

/** Time for connections accepted just before the stop to deliver their request, so it is counted. */
const SETTLE_MS = 100;

/**
 * Readiness answers 503 at once while the app goes on accepting and serving for `delayMs`, so a
 * balancer has time to see it and send new requests elsewhere; meanwhile every answer says
 * `Connection: close`, so clients reconnect (through the balancer) instead of reusing a connection
 * to this instance. Then it stops taking connections, lets the requests already received finish
 * (up to `graceMs`), and stops the modules (Apollo, the database pool). Nest's own close would stop
 * them first.
 *
 * Only the listening socket is closed at first: http.Server#close would also destroy every
 * connection it thinks idle, including one accepted a moment ago whose request is not parsed yet,
 * and that request would be lost. Open connections are closed by app.close() once drained; until
 * then, answers say `Connection: close` so clients do not send more on them.
 */
export async function closeGracefully(app: INestApplication, { delayMs = 0, graceMs = DRAIN_GRACE_MS } = {}): Promise<void> {
  const server = app.getHttpServer() as Server;
  const inFlight = inFlightByApp.get(app);
  app.get(Draining).begin();
  inFlight?.stopKeepingAlive();
  if (delayMs > 0) await new Promise((serveOn) => setTimeout(serveOn, delayMs));
  if (server.listening) NetServer.prototype.close.call(server);
  await new Promise((settle) => setTimeout(settle, SETTLE_MS));
  await inFlight?.drained(graceMs);
  // Mails decided after an answer (a new-sign-in alert) are still made before the modules stop.
  await Promise.race([afterResponseWorkDone(), new Promise((giveUp) => setTimeout(giveUp, graceMs).unref())]);
  await app.close();
}

/** Builds the whole application (not yet listening); main.ts and the tests share it. */
export async function createApp(
  config: AppConfig,
  overrides: AppOverrides & { logger?: LoggerService | false } = {},
): Promise<INestApplication> {
  const structuredLogs = config.production && overrides.logger === undefined;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, { ...overrides, structuredLogs }), {
    bodyParser: false,
    abortOnError: false,
    logger: overrides.logger ?? (structuredLogs ? structuredLogger() : undefined),
  });
  // Express picks the client's address from X-Forwarded-For counting from the right, past the
  // proxies we trust; the left-most entries are whatever the client wrote.
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      methods: ['GET', 'POST'],
      allowedHeaders: ['Content-Type', 'Authorization', 'X-Request-Id'],
      exposedHeaders: ['X-Request-Id'],
      maxAge: 600,
    });
  }
  const inFlight = new InFlightRequests();
  inFlightByApp.set(app, inFlight);
  app.use(inFlight.middleware);
  app.use(securityHeaders());
  app.use(requestContextMiddleware);
  if (config.graphiql) app.use(graphiqlRouter());
  app.use(webConsoleRouter());
  app.use(express.json({ limit: MAX_REQUEST_BODY }));
  app.use(requestProblemHandler);
  app.use(rejectUnusableText);
  return app;
}

/** Malformed or oversized JSON never reaches GraphQL: answer it in GraphQL's error shape. */
function requestProblemHandler(error: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) {
  if (!error.status || error.status >= 500) return next(error);
  const message =
    error.type === 'entity.too.large'
      ? `The request body is larger than ${MAX_REQUEST_BODY}.`
      : 'The request body is not valid JSON.';
  new Logger('HTTP').debug(`Refused a request: ${message}`);
  res.status(error.status).json({ errors: [{ message, extensions: { code: ErrorCode.BAD_USER_INPUT, reason: error.type ?? 'BAD_REQUEST', fields: [] } }] });
}
