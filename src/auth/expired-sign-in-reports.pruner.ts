import { Injectable } from '@nestjs/common';
import { type ExpiredDataPruner, PrunesExpiredData } from '../maintenance/expired-data-pruner';
import { SignInAlertsService } from './sign-in-alerts.service';

/** A 'This wasn't me' token past its 7 days can no longer be spent (SignInReportsService checks expires_at). */
@PrunesExpiredData()
@Injectable()
export class ExpiredSignInReportsPruner implements ExpiredDataPruner {
  readonly prunes = 'sign-in report tokens';

  constructor(private readonly alerts: SignInAlertsService) {}

  pruneExpired(now: Date, batchSize: number): Promise<number> {
    return this.alerts.pruneExpired(now, batchSize);
  }
}
