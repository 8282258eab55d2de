import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteBatchBelow, type ExpiredDataPruner, PrunesExpiredData } from '../maintenance/expired-data-pruner';

/**
 * An unfinished setup past its 30 minutes is dead (every step checks expires_at), and its emailed
 * code, which lives in the same row and expires sooner, goes with it.
 */
@PrunesExpiredData()
@Injectable()
export class ExpiredSetupsPruner implements ExpiredDataPruner {
  readonly prunes = 'two-factor setups and their email codes';

  constructor(private readonly dataSource: DataSource) {}

  pruneExpired(now: Date, batchSize: number): Promise<number> {
    return deleteBatchBelow(this.dataSource, 'two_factor_setups', 'expires_at', now, batchSize);
  }
}
