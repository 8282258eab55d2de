import { Module } from '@nestjs/common';
import { DatabasePoolStats } from '../database/database-pool-stats';
import { MetricsService } from './metrics.service';

/**
 * Prometheus metrics (see MetricsService). Modules that report import this one; it imports none of
 * them, so the dependency goes one way.
 */
@Module({
  providers: [MetricsService, DatabasePoolStats],
  exports: [MetricsService],
})
export class MetricsModule {}
