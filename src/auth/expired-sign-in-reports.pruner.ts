import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteBatchBelow, type ExpiredDataPruner, PrunesExpiredData } from '../maintenance/expired-data-pruner';

/** A 'This wasn't me' token past its 7 days can no longer be spent (SignInReportsService checks expires_at). */
@PrunesExpiredData()
@Injectable()
export class ExpiredSignInReportsPruner implements ExpiredDataPruner {
  readonly prunes = 'sign-in report tokens';

  constructor(private readonly dataSource: DataSource) {}

  pruneExpired(now: Date, batchSize: number): Promise<number> {
    return deleteBatchBelow(this.dataSource, 'sign_in_reports', 'expires_at', now, batchSize);
  }
}
