import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DatabasePoolStats } from '../database/database-pool-stats';
import { serveMetrics } from './metrics-server';

export type PruningRunResult = 'ran' | 'skipped' | 'failed';
export type WebhookDeliveryOutcome = 'delivered' | 'retry' | 'failed';

/**
 * The process's Prometheus metrics, in one registry of its own. Other modules report through its
 * methods; it imports none of them. With METRICS_PORT set it serves them on that port (never the
 * public one); in a cluster worker the primary serves them for every worker together instead.
 */
@Injectable()
export class MetricsService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly registry = new Registry();
  private readonly requestDuration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'GraphQL requests by root field (operation) and outcome: ok or the error code answered.',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly lockouts = new Counter({
    name: 'auth_lockouts_total',
    help: 'Locks started by a failure limit (password, password-all, second-factor, email-code).',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  private readonly mailSent = new Counter({ name: 'mail_sent_total', help: 'Mails the transport accepted, by kind.', labelNames: ['kind'] as const, registers: [this.registry] });
  private readonly mailFailed = new Counter({ name: 'mail_failed_total', help: 'Mail deliveries the transport refused, by kind (each retry counts).', labelNames: ['kind'] as const, registers: [this.registry] });
  private readonly pruningRuns = new Counter({
    name: 'data_pruning_runs_total',
    help: 'Pruning passes: ran, skipped (another instance held the lock) or failed.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly webhookDeliveries = new Counter({
    name: 'webhook_deliveries_total',
    help: 'Webhook delivery tries by outcome: delivered (2xx), retry (not 2xx or unanswered, another try scheduled), failed (given up).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private server: Server | undefined;

  constructor(poolStats: DatabasePoolStats, @Inject(APP_CONFIG) private readonly config: AppConfig) {
    // Read when scraped: nothing is counted on the query path.
    new Gauge({
      name: 'db_pool_connections',
      help: 'Connections of the database pool, open (total) and idle.',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const { total, idle } = poolStats.read();
        this.set({ state: 'total' }, total);
        this.set({ state: 'idle' }, idle);
      },
    });
    new Gauge({
      name: 'db_pool_waiting_clients',
      help: 'Queries waiting for a pooled connection.',
      registers: [this.registry],
      collect() {
        this.set(poolStats.read().waiting);
      },
    });
  }

  observeGraphQLRequest(operation: string, outcome: string, seconds: number): void {
    this.requestDuration.observe({ operation, outcome }, seconds);
  }

  countLockout(limit: string): void {
    this.lockouts.inc({ limit });
  }

  countMail(kind: string, delivered: boolean): void {
    (delivered ? this.mailSent : this.mailFailed).inc({ kind });
  }

  countPruningRun(result: PruningRunResult): void {
    this.pruningRuns.inc({ result });
  }

  countWebhookDelivery(outcome: WebhookDeliveryOutcome, tries = 1): void {
    this.webhookDeliveries.inc({ outcome }, tries);
  }

  /**
   * The retry queue, as `countPending` reads it from the database when scraped. Every instance (and
   * every cluster worker) reports the same number for the whole queue: the workers' values are not
   * added up, and across instances take the max. A failed read keeps the last value, so a scrape
   * during a database outage still shows everything else.
   */
  observeWebhookQueue(countPending: () => Promise<number>): void {
    const logger = new Logger('Metrics');
    let pending = 0;
    new Gauge({
      name: 'webhook_deliveries_pending',
      help: 'Webhook deliveries waiting for a first try or a retry (the whole queue, not this instance\'s share).',
      registers: [this.registry],
      aggregator: 'max',
      async collect() {
        pending = await countPending().catch((error: Error) => {
          logger.warn(`Could not count pending webhook deliveries: ${error.message}`);
          return pending;
        });
        this.set(pending);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.metricsPort === undefined) return;
    // Process metrics start timers and observers: only for a process whose metrics are read.
    collectDefaultMetrics({ register: this.registry });
    if (cluster.isWorker) {
      // The primary asks each worker over IPC; constructing an AggregatorRegistry is what makes
      // prom-client answer those requests, with the registries given here.
      AggregatorRegistry.setRegistries(this.registry);
      new AggregatorRegistry();
      return;
    }
    this.server = await serveMetrics(this.config.metricsPort, async () => ({ contentType: this.registry.contentType, body: await this.registry.metrics() }));
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise((closed) => (this.server ? this.server.close(closed) : closed(undefined)));
  }
}
