import { Injectable } from '@nestjs/common';
import { type ExpiredDataPruner, PrunesExpiredData } from '../maintenance/expired-data-pruner';
import { WebAuthnChallengesRepository } from './webauthn-challenges.repository';

/** A WebAuthn challenge past its 5 minutes can no longer be answered (every answer checks expires_at). */
@PrunesExpiredData()
@Injectable()
export class ExpiredChallengesPruner implements ExpiredDataPruner {
  readonly prunes = 'WebAuthn challenges';

  constructor(private readonly challenges: WebAuthnChallengesRepository) {}

  pruneExpired(now: Date, batchSize: number): Promise<number> {
    return this.challenges.deleteExpired(now, batchSize);
  }
}
