import { Module } from '@nestjs/common';
import { ExpiredRateLimitsPruner } from './expired-rate-limits.pruner';
import { ThrottlingService } from './throttling.service';

/** Brute-force limits shared by every instance (stored in PostgreSQL). */
@Module({
  providers: [ThrottlingService, ExpiredRateLimitsPruner],
  exports: [ThrottlingService],
})
export class ThrottlingModule {}
