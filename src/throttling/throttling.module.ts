import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { ExpiredRateLimitsPruner } from './expired-rate-limits.pruner';
import { RateLimitsRepository } from './rate-limits.repository';
import { ThrottlingService } from './throttling.service';

/** Brute-force limits shared by every instance (stored in PostgreSQL). */
@Module({
  imports: [MetricsModule],
  providers: [RateLimitsRepository, ThrottlingService, ExpiredRateLimitsPruner],
  exports: [ThrottlingService],
})
export class ThrottlingModule {}
