import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { deleteBatchBelow } from '../maintenance/expired-data-pruner';
import { type WebAuthnCeremony, WebAuthnChallengeEntity } from './entities/webauthn-challenge.entity';

/** Whom a challenge was handed to: the user (null for SIGN_IN), the ceremony and the pending session (login only). */
export interface ChallengeOwner {
  userId: string | null;
  ceremony: WebAuthnCeremony;
  sessionId: string | null;
}

/** The webauthn_challenges table: challenges waiting for their one answer. */
@Injectable()
export class WebAuthnChallengesRepository {
  constructor(@InjectRepository(WebAuthnChallengeEntity) private readonly challenges: Repository<WebAuthnChallengeEntity>) {}

  /** Stores a challenge and deletes the earlier one of the same owner, in one statement. */
  async replace(challenge: string, owner: ChallengeOwner, expiresAt: Date): Promise<void> {
    await this.challenges.query(
      `WITH replaced AS (
         DELETE FROM webauthn_challenges WHERE user_id = $2 AND ceremony = $3 AND session_id IS NOT DISTINCT FROM $4::uuid
       )
       INSERT INTO webauthn_challenges (challenge, user_id, ceremony, session_id, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [challenge, owner.userId, owner.ceremony, owner.sessionId, expiresAt],
    );
  }

  /**
   * Deletes the challenge if it belongs to `owner` and is unexpired at `now`: one DELETE …
   * RETURNING, so of concurrent answers (on any instance) exactly one gets true.
   */
  async spend(challenge: string, owner: ChallengeOwner, now: Date): Promise<boolean> {
    const [rows] = (await this.challenges.query(
      `DELETE FROM webauthn_challenges
        WHERE challenge = $1 AND user_id IS NOT DISTINCT FROM $2::uuid AND ceremony = $3 AND session_id IS NOT DISTINCT FROM $4 AND expires_at > $5
      RETURNING challenge`,
      [challenge, owner.userId, owner.ceremony, owner.sessionId, now],
    )) as [unknown[], number];
    return rows.length === 1;
  }

  async deleteAllOf(userId: string, db: EntityManager = this.challenges.manager): Promise<void> {
    await db.delete(WebAuthnChallengeEntity, { userId });
  }

  /** For the data-pruning job: challenges expired at `now`, a batch at a time. */
  deleteExpired(now: Date, batchSize: number): Promise<number> {
    return deleteBatchBelow(this.challenges.manager, 'webauthn_challenges', 'expires_at', now, batchSize);
  }
}
