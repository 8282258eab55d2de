import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { addMinutes, Clock } from '../common/clock';
import { type ChallengeOwner, WebAuthnChallengesRepository } from './webauthn-challenges.repository';

export const WEBAUTHN_CHALLENGE_MINUTES = 5;
const CHALLENGE_BYTES = 32;

/** The challenges of every WebAuthn ceremony: single use, 5 minutes, the newest of an owner only. */
@Injectable()
export class PasskeyChallenges {
  constructor(
    private readonly challenges: WebAuthnChallengesRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * A new challenge voids the earlier one of the same user, ceremony and session: asking again and
   * again keeps one row, not one per request, and only the newest can be answered.
   */
  async issue(owner: ChallengeOwner): Promise<string> {
    const challenge = isoBase64URL.fromBuffer(randomBytes(CHALLENGE_BYTES));
    await this.challenges.replace(challenge, owner, addMinutes(this.clock.now(), WEBAUTHN_CHALLENGE_MINUTES));
    return challenge;
  }

  /** Spends a challenge: true for exactly one answer, and only for the owner it was issued to, within its 5 minutes. */
  spend(challenge: string, owner: ChallengeOwner): Promise<boolean> {
    return this.challenges.spend(challenge, owner, this.clock.now());
  }

  /** Every challenge handed to the user (in the caller's transaction, when given). */
  discardAllOf(userId: string, db?: EntityManager): Promise<void> {
    return this.challenges.deleteAllOf(userId, db);
  }
}
