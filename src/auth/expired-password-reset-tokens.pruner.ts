import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteBatchBelow, type ExpiredDataPruner, PrunesExpiredData } from '../maintenance/expired-data-pruner';

/** A reset token past its 30 minutes can no longer be spent (resetPassword checks expires_at). */
@PrunesExpiredData()
@Injectable()
export class ExpiredPasswordResetTokensPruner implements ExpiredDataPruner {
  readonly prunes = 'password reset tokens';

  constructor(private readonly dataSource: DataSource) {}

  pruneExpired(now: Date, batchSize: number): Promise<number> {
    return deleteBatchBelow(this.dataSource, 'password_reset_tokens', 'expires_at', now, batchSize);
  }
}
