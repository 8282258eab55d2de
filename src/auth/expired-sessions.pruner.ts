import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteBatchBelow, type ExpiredDataPruner, PrunesExpiredData } from '../maintenance/expired-data-pruner';

/** An expired session can never be used again (the guard checks expires_at); revoked ones expire too. */
@PrunesExpiredData()
@Injectable()
export class ExpiredSessionsPruner implements ExpiredDataPruner {
  readonly prunes = 'sessions';

  constructor(private readonly dataSource: DataSource) {}

  pruneExpired(now: Date, batchSize: number): Promise<number> {
    return deleteBatchBelow(this.dataSource, 'sessions', 'expires_at', now, batchSize);
  }
}
