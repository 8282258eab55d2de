import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import { type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyServerOptions } from 'fastify';
import { AppModule, type AppOverrides } from './app.module';
import { AppFastifyAdapter, MAX_REQUEST_BODY_BYTES } from './common/fastify-adapter';
import { InFlightRequests } from './common/in-flight-requests';
import { rejectUnusableText } from './common/reject-unusable-text';
import { structuredLogger } from './common/logging';
import { afterResponseWorkDone, registerRequestContext } from './common/request-context';
import { registerSecurityHeaders } from './common/security-headers';
import type { AppConfig } from './config/app-config';
import { registerGraphiql } from './graphql/graphiql-page';
import { Draining } from './health/draining';
import { registerWebConsole } from './web-console/web-console';

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

/**
 * TRUST_PROXY as Fastify takes it. A hop count becomes the function Express made of it (trust the
 * n nearest hops, whatever their address): Fastify itself refuses to trust any hop for a number.
 */
export function fastifyTrustProxy(trustProxy: AppConfig['trustProxy']): FastifyServerOptions['trustProxy'] {
  if (typeof trustProxy !== 'number') return trustProxy;
  const hops = trustProxy;
  return (_address: string, hop: number) => hop < hops;
}

/**
 * Builds the whole application (not yet listening); main.ts and the tests share it. Nest runs on
 * Fastify: the hooks below run on every request in this order (in-flight count, security headers,
 * request id and context), then the body is parsed (JSON up to 256 KiB; a refused body is answered
 * in GraphQL's error shape by ResolverErrorFilter) and checked for unusable text before GraphQL.
 */
export async function createApp(
  config: AppConfig,
  overrides: AppOverrides & { logger?: LoggerService | false } = {},
): Promise<NestFastifyApplication> {
  const structuredLogs = config.production && overrides.logger === undefined;
  // Fastify picks the client's address from X-Forwarded-For counting from the right, past the
  // proxies we trust; the left-most entries are whatever the client wrote.
  const adapter = new AppFastifyAdapter({ trustProxy: fastifyTrustProxy(config.trustProxy), bodyLimit: MAX_REQUEST_BODY_BYTES });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, overrides), adapter, {
    bodyParser: false,
    abortOnError: false,
    logger: overrides.logger ?? (structuredLogs ? structuredLogger() : undefined),
  });
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      methods: ['GET', 'POST'],
      allowedHeaders: ['Content-Type', 'Authorization', 'X-Request-Id'],
      exposedHeaders: ['X-Request-Id'],
      maxAge: 600,
    });
  }
  const fastify = app.getHttpAdapter().getInstance();
  const inFlight = new InFlightRequests();
  inFlightByApp.set(app, inFlight);
  inFlight.register(fastify);
  registerSecurityHeaders(fastify);
  registerRequestContext(fastify);
  rejectUnusableText(fastify);
  if (config.graphiql) registerGraphiql(fastify);
  await registerWebConsole(fastify);
  return app;
}
