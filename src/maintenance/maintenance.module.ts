import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { AdvisoryLocks } from '../database/advisory-lock';
import { MetricsModule } from '../metrics/metrics.module';
import { DataPruningService } from './data-pruning.service';

/**
 * Housekeeping that runs on a timer. It owns no tables: modules mark their pruners with
 * `@PrunesExpiredData()` and this module runs them.
 */
@Module({
  imports: [DiscoveryModule, ScheduleModule.forRoot(), MetricsModule],
  providers: [DataPruningService, AdvisoryLocks],
  exports: [DataPruningService],
})
export class MaintenanceModule {}
