// First: it instruments http, pg and graphql before anything below loads them.
import { stopTracing } from './tracing';
import 'reflect-metadata';
import cluster from 'node:cluster';
import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { closeGracefully, createApp } from './app.factory';
import { type AppConfig, loadConfig } from './config/app-config';
import { withDevEncryptionKey } from './config/dev-encryption-key';
import { runMigrations } from './database/data-source-options';
import { structuredLogger } from './common/logging';
import { serveClusterMetrics } from './metrics/metrics-server';
import type { EmbeddedDatabase } from './database/embedded-postgres';

// In production every line is JSON, from the first one on (even a configuration error).
if (process.env.NODE_ENV === 'production') Logger.overrideLogger(structuredLogger());
const logger = new Logger('Main');

/** Errors that say what to do in their message: logged as one line, without a stack. */
const SELF_EXPLAINING_ERRORS = new Set(['ConfigError', 'EmbeddedDatabaseError']);

/** Starts the database when needed, migrates, then serves (in WEB_CONCURRENCY worker processes). */
async function main(): Promise<void> {
  if (cluster.isWorker) return serve(loadConfig());

  let config = withDevEncryptionKey(loadConfig());
  let embedded: EmbeddedDatabase | undefined;
  if (config.databaseUrl) {
    logger.log(`Database: DATABASE_URL (${new URL(config.databaseUrl).host})`);
  } else {
    // Loaded only when used: the Docker image does not install the embedded PostgreSQL at all.
    const { startEmbeddedPostgres } = await import('./database/embedded-postgres.js');
    const database = await startEmbeddedPostgres({ dataDir: config.dataDir, persistent: true });
    embedded = database;
    config = { ...config, databaseUrl: database.url };
    const through = database.socketDir ? `, reached through its Unix socket in ${database.socketDir}` : '';
    logger.log(`Database: embedded PostgreSQL at ${new URL(database.tcpUrl).host}${through}, data in ${resolve(config.dataDir, 'postgres')}`);
  }
  const applied = await runMigrations(config.databaseMigrationUrl ?? config.databaseUrl!);
  if (applied.length > 0) logger.log(`Applied migrations: ${applied.join(', ')}`);
  if (!config.smtpUrl) logger.log(`Mail: SMTP_URL is unset, so mail is written to ${resolve(config.dataDir, 'outbox')}`);

  const stopDatabase = async () => {
    await embedded?.stop();
  };
  if (config.webConcurrency > 1) {
    if (config.metricsPort !== undefined) await serveClusterMetrics(config.metricsPort);
    return superviseWorkers(config, stopDatabase);
  }
  await serve(config, stopDatabase);
}

async function serve(config: AppConfig, afterClose: () => Promise<void> = async () => undefined): Promise<void> {
  const app = await createApp(config);
  // Every interface, as Express did (Fastify alone would listen on localhost only).
  await app.listen(config.port, '0.0.0.0');
  logger.log(`GraphQL ready at http://localhost:${config.port}/graphql${config.graphiql ? ' (GraphiQL: open it in a browser)' : ''}`);
  const shutdown = async (signal: string) => {
    const delay = config.shutdownDelaySeconds;
    logger.log(`${signal}: readiness answers 503${delay > 0 ? `, serving ${delay} s more` : ''}, then finishing requests in flight and stopping`);
    await closeGracefully(app, { delayMs: delay * 1000 });
    await afterClose();
    await stopTracing();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

/**
 * Workers share the port; the primary keeps the embedded database, restarts a worker that dies, and
 * serves METRICS_PORT with every worker's metrics added up.
 */
function superviseWorkers(config: AppConfig, stopDatabase: () => Promise<void>): void {
  let stopping = false;
  const env = { DATABASE_URL: config.databaseUrl, ENCRYPTION_KEY: config.encryptionKey };
  for (let i = 0; i < config.webConcurrency; i++) cluster.fork(env);
  cluster.on('exit', (worker, code) => {
    if (stopping) return;
    logger.warn(`Worker ${worker.process.pid} exited (${code}); starting another`);
    cluster.fork(env);
  });
  const shutdown = async () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    await Promise.all(
      Object.values(cluster.workers ?? {}).map((worker) => new Promise((done) => worker?.once('exit', done))),
    );
    await stopDatabase();
    await stopTracing();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
  logger.log(`Started ${config.webConcurrency} worker processes`);
}

main().catch((error: Error) => {
  if (SELF_EXPLAINING_ERRORS.has(error.name)) logger.error(error.message);
  else logger.error(error.message, error.stack);
  process.exit(1);
});
