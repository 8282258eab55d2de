import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteBatchBelow, type ExpiredDataPruner, PrunesExpiredData } from '../maintenance/expired-data-pruner';

/** A device token past its 30 days no longer skips anything; revoked ones expire too. */
@PrunesExpiredData()
@Injectable()
export class ExpiredTrustedDevicesPruner implements ExpiredDataPruner {
  readonly prunes = 'trusted devices';

  constructor(private readonly dataSource: DataSource) {}

  pruneExpired(now: Date, batchSize: number): Promise<number> {
    return deleteBatchBelow(this.dataSource, 'trusted_devices', 'expires_at', now, batchSize);
  }
}
