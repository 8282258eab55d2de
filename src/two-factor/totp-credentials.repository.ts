import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import type { SecondFactorSpend } from '../common/second-factor-spend';
import { runPieceAlone } from '../database/statement';
import { TotpCredentialEntity } from './entities/totp-credential.entity';

/** A new phone's secret waiting for a code from it (see AuthenticatorReplacementService). */
export interface PendingReplacement {
  encryptedSecret: string;
  expiresAt: Date;
}

/**
 * The totp_credentials table: a user's authenticator secret, and the replacement waiting to take
 * its place. The write that accepts a code once is spendTotpStep, a piece of a bigger statement.
 */
@Injectable()
export class TotpCredentialsRepository {
  constructor(@InjectRepository(TotpCredentialEntity) private readonly credentials: Repository<TotpCredentialEntity>) {}

  /** Saves the credential of a completed setup; false when the user already has one. */
  /** Runs a piece of this table as a statement of its own: the rows it changed. */
  runAlone(piece: SecondFactorSpend, db: EntityManager = this.credentials.manager): Promise<number> {
    return runPieceAlone(db, piece);
  }

  findOf(userId: string, db: EntityManager = this.credentials.manager): Promise<TotpCredentialEntity | null> {
    return db.findOneBy(TotpCredentialEntity, { userId });
  }

  async insertIfAbsent(userId: string, encryptedSecret: string, usedStep: string, createdAt: Date, db: EntityManager = this.credentials.manager): Promise<boolean> {
    const inserted: unknown[] = await db.query(
      `INSERT INTO totp_credentials (user_id, encrypted_secret, last_used_step, created_at)
       VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO NOTHING RETURNING user_id`,
      [userId, encryptedSecret, usedStep, createdAt],
    );
    return inserted.length === 1;
  }

  async deleteOf(userId: string, db: EntityManager = this.credentials.manager): Promise<void> {
    await db.delete(TotpCredentialEntity, { userId });
  }

  /** Stores a new phone's secret, replacing any earlier one waiting. */
  async offerReplacement(userId: string, encryptedSecret: string, expiresAt: Date, db: EntityManager = this.credentials.manager): Promise<void> {
    await db.query(`UPDATE totp_credentials SET replacement_encrypted_secret = $1, replacement_expires_at = $2 WHERE user_id = $3`, [
      encryptedSecret,
      expiresAt,
      userId,
    ]);
  }

  async findPendingReplacement(userId: string): Promise<PendingReplacement | null> {
    const [pending] = (await this.credentials.query(
      `SELECT replacement_encrypted_secret, replacement_expires_at FROM totp_credentials WHERE user_id = $1 AND replacement_encrypted_secret IS NOT NULL`,
      [userId],
    )) as Array<{ replacement_encrypted_secret: string; replacement_expires_at: Date }>;
    return pending ? { encryptedSecret: pending.replacement_encrypted_secret, expiresAt: pending.replacement_expires_at } : null;
  }

  /**
   * Makes the replacement the secret, with `usedStep` as its last accepted step, but only if the
   * replacement waiting is still `checkedSecret`: of two confirmations at once, or one racing a
   * newer start, one wins. False when nothing changed.
   */
  async completeReplacement(userId: string, checkedSecret: string, usedStep: string, db: EntityManager = this.credentials.manager): Promise<boolean> {
    const [, changed] = (await db.query(
      `UPDATE totp_credentials SET encrypted_secret = replacement_encrypted_secret, last_used_step = $1,
              replacement_encrypted_secret = NULL, replacement_expires_at = NULL
        WHERE user_id = $2 AND replacement_encrypted_secret = $3`,
      [usedStep, userId, checkedSecret],
    )) as [unknown, number];
    return changed === 1;
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
