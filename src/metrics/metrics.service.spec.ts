import { AggregatorRegistry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/app-config';
import { DatabasePoolStats } from '../database/database-pool-stats';
import { MetricsService } from './metrics.service';

const pool = { totalCount: 4, idleCount: 1, waitingCount: 2 };
const metricsService = () => new MetricsService(new DatabasePoolStats({ driver: { master: pool } } as unknown as DataSource), loadConfig({}));

describe('MetricsService', () => {
  it('renders what the modules report as Prometheus text, by label', async () => {
    const metrics = metricsService();
    metrics.observeGraphQLRequest('login', 'INVALID_CREDENTIALS', 0.12);
    metrics.countLockout('password');
    metrics.countMail('VERIFICATION_CODE', true);
    metrics.countMail('ACCOUNT_LOCKED', false);
    metrics.countPruningRun('skipped');
    const text = await metrics.registry.metrics();
    expect(text).toContain('graphql_request_duration_seconds_count{operation="login",outcome="INVALID_CREDENTIALS"} 1');
    expect(text).toContain('graphql_request_duration_seconds_bucket{le="0.25",operation="login",outcome="INVALID_CREDENTIALS"} 1');
    expect(text).toContain('auth_lockouts_total{limit="password"} 1');
    expect(text).toContain('mail_sent_total{kind="VERIFICATION_CODE"} 1');
    expect(text).toContain('mail_failed_total{kind="ACCOUNT_LOCKED"} 1');
    expect(text).toContain('data_pruning_runs_total{result="skipped"} 1');
  });

  it('reads the database pool when scraped', async () => {
    const metrics = metricsService();
    const text = await metrics.registry.metrics();
    expect(text).toContain('db_pool_connections{state="total"} 4');
    expect(text).toContain('db_pool_connections{state="idle"} 1');
    expect(text).toContain('db_pool_waiting_clients 2');
    pool.waitingCount = 0;
    expect(await metrics.registry.metrics()).toContain('db_pool_waiting_clients 0');
  });

  it('counts webhook delivery tries by outcome, and reads the retry queue when scraped, keeping the last count if the read fails', async () => {
    const metrics = metricsService();
    metrics.countWebhookDelivery('delivered');
    metrics.countWebhookDelivery('retry');
    metrics.countWebhookDelivery('failed', 2);
    const counts = [3, 1];
    metrics.observeWebhookQueue(async () => {
      const next = counts.shift();
      if (next === undefined) throw new Error('database down');
      return next;
    });
    const text = await metrics.registry.metrics();
    expect(text).toContain('webhook_deliveries_total{outcome="delivered"} 1');
    expect(text).toContain('webhook_deliveries_total{outcome="retry"} 1');
    expect(text).toContain('webhook_deliveries_total{outcome="failed"} 2');
    expect(text).toContain('webhook_deliveries_pending 3');
    expect(await metrics.registry.metrics()).toContain('webhook_deliveries_pending 1');
    expect(await metrics.registry.metrics()).toContain('webhook_deliveries_pending 1');
  });

  it("adds up two cluster workers' delivery counts but not their counts of the one shared queue", async () => {
    const workers = [metricsService(), metricsService()];
    for (const worker of workers) {
      worker.countWebhookDelivery('delivered');
      worker.observeWebhookQueue(async () => 3);
    }
    const aggregated = AggregatorRegistry.aggregate(await Promise.all(workers.map((worker) => worker.registry.getMetricsAsJSON())));
    const text = await aggregated.metrics();
    expect(text).toContain('webhook_deliveries_total{outcome="delivered"} 2');
    expect(text).toContain('webhook_deliveries_pending 3');
  });

  it('collects no process metrics and serves nothing without METRICS_PORT', async () => {
    const metrics = metricsService();
    await metrics.onApplicationBootstrap();
    expect(await metrics.registry.metrics()).not.toContain('process_cpu');
    await metrics.onApplicationShutdown();
  });
});
