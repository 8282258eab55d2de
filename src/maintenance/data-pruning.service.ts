import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AdvisoryLocks } from '../database/advisory-lock';
import { MetricsService } from '../metrics/metrics.service';
import { type ExpiredDataPruner, PrunesExpiredData } from './expired-data-pruner';

/** Held for the length of a pass, so that of all instances (and workers) one prunes at a time. */
export const DATA_PRUNING_LOCK_KEY = 7_264_591_332;
const INTERVAL_NAME = 'data-pruning';

export interface PruningPass {
  /** False when another instance held the lock: this one did nothing. */
  ran: boolean;
  /** Rows deleted, by what each pruner prunes. */
  deleted: Record<string, number>;
  batches: number;
  milliseconds: number;
  /** Wall-clock time (not the injected clock) the lock was held, when it ran. */
  heldFrom?: number;
  heldUntil?: number;
}

/**
 * The periodic job that keeps tables the size of their live data: every few minutes one instance
 * asks each module's pruner to delete, batch by batch, what it no longer needs (expired sessions,
 * setups, trusted devices, rate-limit windows, old security events).
 */
@Injectable()
export class DataPruningService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DataPruning');
  private running: Promise<PruningPass> | undefined;
  private stopping = false;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly locks: AdvisoryLocks,
    private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.dataPruneIntervalSeconds;
    if (seconds <= 0) return;
    const timer = setInterval(() => {
      this.runOnce().catch((error: Error) => this.logger.error(`Pruning failed: ${error.message}`, error.stack));
    }, seconds * 1000);
    timer.unref();
    this.scheduler.addInterval(INTERVAL_NAME, timer);
  }

  /** Lets a pass in progress finish its current batch before the connection pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.scheduler.doesExist('interval', INTERVAL_NAME)) this.scheduler.deleteInterval(INTERVAL_NAME);
    await this.running?.catch(() => undefined);
  }

  /** The pruners every module registered. */
  pruners(): ExpiredDataPruner[] {
    return this.discovery
      .getProviders({ metadataKey: PrunesExpiredData.KEY })
      .map((wrapper) => wrapper.instance as ExpiredDataPruner | undefined)
      .filter((pruner): pruner is ExpiredDataPruner => typeof pruner?.pruneExpired === 'function');
  }

  /** One pass now (a pass already running on this instance is awaited instead of started twice). */
  runOnce(): Promise<PruningPass> {
    this.running ??= this.pass()
      .then(
        (pass) => {
          this.metrics.countPruningRun(pass.ran ? 'ran' : 'skipped');
          return pass;
        },
        (error: unknown) => {
          this.metrics.countPruningRun('failed');
          throw error;
        },
      )
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async pass(): Promise<PruningPass> {
    const started = performance.now();
    const result: PruningPass = { ran: false, deleted: {}, batches: 0, milliseconds: 0 };
    result.ran = await this.locks.whileHolding(DATA_PRUNING_LOCK_KEY, async () => {
      result.heldFrom = Date.now();
      try {
        const now = this.clock.now();
        const batchSize = this.config.dataPruneBatchSize;
        for (const pruner of this.pruners()) {
          let total = 0;
          for (;;) {
            if (this.stopping) break;
            const deleted = await pruner.pruneExpired(now, batchSize);
            result.batches += 1;
            total += deleted;
            if (deleted < batchSize) break;
          }
          result.deleted[pruner.prunes] = (result.deleted[pruner.prunes] ?? 0) + total;
        }
      } finally {
        result.heldUntil = Date.now();
      }
    });
    result.milliseconds = performance.now() - started;
    const total = Object.values(result.deleted).reduce((sum, n) => sum + n, 0);
    if (total > 0) {
      const parts = Object.entries(result.deleted).filter(([, n]) => n > 0).map(([what, n]) => `${n} ${what}`);
      this.logger.log(`Pruned ${parts.join(', ')} in ${result.milliseconds.toFixed(0)} ms`);
    }
    return result;
  }
}
