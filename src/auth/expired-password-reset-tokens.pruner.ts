import { Injectable } from '@nestjs/common';
import { type ExpiredDataPruner, PrunesExpiredData } from '../maintenance/expired-data-pruner';
import { PasswordResetsService } from './password-resets.service';

/** A reset token past its 30 minutes can no longer be spent (resetPassword checks expires_at). */
@PrunesExpiredData()
@Injectable()
export class ExpiredPasswordResetTokensPruner implements ExpiredDataPruner {
  readonly prunes = 'password reset tokens';

  constructor(private readonly passwordResets: PasswordResetsService) {}

  pruneExpired(now: Date, batchSize: number): Promise<number> {
    return this.passwordResets.pruneExpired(now, batchSize);
  }
}
