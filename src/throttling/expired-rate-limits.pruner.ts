import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteBatchBelow, type ExpiredDataPruner, PrunesExpiredData } from '../maintenance/expired-data-pruner';

/**
 * A rate-limit row whose window (or lock) has ended counts for nothing: rate-limiter-flexible
 * starts afresh when it finds one. `expire` is in epoch milliseconds; rows without one never end.
 */
@PrunesExpiredData()
@Injectable()
export class ExpiredRateLimitsPruner implements ExpiredDataPruner {
  readonly prunes = 'rate-limit windows';

  constructor(private readonly dataSource: DataSource) {}

  pruneExpired(now: Date, batchSize: number): Promise<number> {
    return deleteBatchBelow(this.dataSource, 'rate_limits', 'expire', now.getTime(), batchSize);
  }
}
