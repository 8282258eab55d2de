import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { TotpCredentialEntity } from './entities/totp-credential.entity';
import { TwoFactorCrypto } from './two-factor-crypto';
import { matchTotpStep } from './utils/totp.util';

/**
 * How a code compared: `already-used` is the right code for a step that was accepted before (a
 * resubmit, or the same code sent twice at once): not a guess, so it does not count as a wrong code.
 */
export type CodeCheck = 'accepted' | 'wrong' | 'already-used';

/** The TOTP credential table and the accept-once rule. */
@Injectable()
export class TotpCredentials {
  constructor(
    @InjectRepository(TotpCredentialEntity) private readonly credentials: Repository<TotpCredentialEntity>,
    private readonly crypto: TwoFactorCrypto,
    private readonly clock: Clock,
  ) {}

  /**
   * Accepts a code once. The step check and the step update are one conditional UPDATE, so two
   * requests with the same code — on one server or many — cannot both pass.
   */
  async acceptCode(userId: string, code: string, db: EntityManager = this.credentials.manager): Promise<CodeCheck> {
    const credential = await db.findOneBy(TotpCredentialEntity, { userId });
    if (!credential) return 'wrong';
    const secret = this.crypto.decrypt(credential.encryptedSecret, userId);
    const step = matchTotpStep(secret, code, Math.floor(this.clock.now().getTime() / 1000));
    if (step === null) return 'wrong';
    const update = {
      lastUsedStep: String(step),
      // Re-encrypt with the current key on use, so a key rotation completes as users sign in.
      ...(this.crypto.isStale(credential.encryptedSecret) ? { encryptedSecret: this.crypto.encrypt(secret, userId) } : {}),
    };
    const result = await db
      .createQueryBuilder()
      .update(TotpCredentialEntity)
      .set(update)
      .where('user_id = :userId AND last_used_step < :step', { userId, step })
      .execute();
    return (result.affected ?? 0) === 1 ? 'accepted' : 'already-used';
  }

  /** Saves the credential of a completed setup; false when the user already has one. */
  async create(userId: string, encryptedSecret: string, usedStep: string, db: EntityManager): Promise<boolean> {
    const inserted: unknown[] = await db.query(
      `INSERT INTO totp_credentials (user_id, encrypted_secret, last_used_step, created_at)
       VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO NOTHING RETURNING user_id`,
      [userId, encryptedSecret, usedStep, this.clock.now()],
    );
    return inserted.length === 1;
  }

  async delete(userId: string, db: EntityManager): Promise<void> {
    await db.delete(TotpCredentialEntity, { userId });
  }
}
