import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { deleteBatchBelow, type ExpiredDataPruner, PrunesExpiredData } from '../maintenance/expired-data-pruner';

/** Security events are kept SECURITY_EVENT_RETENTION_DAYS, then deleted. */
@PrunesExpiredData()
@Injectable()
export class OldSecurityEventsPruner implements ExpiredDataPruner {
  readonly prunes = 'security events';

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  pruneExpired(now: Date, batchSize: number): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.securityEventRetentionDays * 86_400_000);
    return deleteBatchBelow(this.dataSource, 'security_events', 'occurred_at', cutoff, batchSize);
  }
}
