import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import type { SecondFactorSpend } from '../common/second-factor-spend';
import { runPieceAlone } from '../database/statement';
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
   * Checks a code against the secret: null when it is wrong, else the write that accepts it once.
   * The write moves last_used_step to the code's step only if it is below it, so two requests with
   * the same code — on one server or many — cannot both pass; when it changes nothing, the code
   * was right but its step already used (`already-used`).
   */
  async checkCode(userId: string, code: string, db: EntityManager = this.credentials.manager): Promise<SecondFactorSpend | null> {
    const credential = await db.findOneBy(TotpCredentialEntity, { userId });
    if (!credential) return null;
    const secret = this.crypto.decrypt(credential.encryptedSecret, userId);
    const step = matchTotpStep(secret, code, Math.floor(this.clock.now().getTime() / 1000));
    if (step === null) return null;
    // Re-encrypt with the current key on use, so a key rotation completes as users sign in.
    const reencrypted = this.crypto.isStale(credential.encryptedSecret) ? this.crypto.encrypt(secret, userId) : null;
    return spendTotpStep(userId, step, reencrypted);
  }

  /** Accepts a code once, as a statement of its own (in `db`'s transaction, if any). */
  async acceptCode(userId: string, code: string, db: EntityManager = this.credentials.manager): Promise<CodeCheck> {
    const write = await this.checkCode(userId, code, db);
    if (!write) return 'wrong';
    return (await runPieceAlone(db, write)) === 1 ? 'accepted' : 'already-used';
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

/**
 * Moves last_used_step to the code's step only if it is below it: of two requests with the same
 * code, on one server or many, one changes the row. `reencryptedSecret` replaces a secret sealed
 * with an old key.
 */
export function spendTotpStep(userId: string, step: number, reencryptedSecret: string | null): SecondFactorSpend {
  return (statement, when) => {
    const usedStep = statement.value(String(step));
    const newSecret = reencryptedSecret === null ? '' : `, encrypted_secret = ${statement.value(reencryptedSecret)}`;
    return statement.with(
      'totp_used',
      `UPDATE totp_credentials SET last_used_step = ${usedStep}${newSecret}
        WHERE user_id = ${statement.value(userId)} AND last_used_step < ${usedStep} AND ${when.sql}
       RETURNING 1`,
    );
  };
}
