import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { TwoFactorSetupEntity } from './entities/two-factor-setup.entity';
import { TwoFactorSetupStep } from './models/two-factor.models';

/** What a completed setup hands to the account: the app's secret and the step of the code that confirmed it. */
export interface FinishedSetup {
  encryptedSecret: string;
  confirmedStep: string;
}

/**
 * The two_factor_setups table: one enrollment in progress per user. Each step moves the row on
 * with one conditional statement, so a step cannot be skipped or done twice.
 */
@Injectable()
export class TwoFactorSetupsRepository {
  constructor(@InjectRepository(TwoFactorSetupEntity) private readonly setups: Repository<TwoFactorSetupEntity>) {}

  findOf(userId: string, db: EntityManager = this.setups.manager): Promise<TwoFactorSetupEntity | null> {
    return db.findOneBy(TwoFactorSetupEntity, { userId });
  }

  /**
   * Writes a new setup over any earlier one, unless the earlier one's code was sent after
   * `lastCodeSentBefore`: false then, and nothing changes. The upsert holds the row lock until
   * commit, so concurrent starts wait and then see the resend limit.
   */
  async startOver(setup: TwoFactorSetupEntity, lastCodeSentBefore: Date, db: EntityManager): Promise<boolean> {
    const written: unknown[] = await db.query(
      `INSERT INTO two_factor_setups AS s (user_id, step, email, email_code_hash, email_code_sent_at, email_code_expires_at,
                                         email_code_failures, encrypted_secret, confirmed_step, started_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, 0, NULL, NULL, $7, $8)
       ON CONFLICT (user_id) DO UPDATE SET
         step = EXCLUDED.step, email = EXCLUDED.email, email_code_hash = EXCLUDED.email_code_hash,
         email_code_sent_at = EXCLUDED.email_code_sent_at, email_code_expires_at = EXCLUDED.email_code_expires_at,
         email_code_failures = 0, encrypted_secret = NULL, confirmed_step = NULL,
         started_at = EXCLUDED.started_at, expires_at = EXCLUDED.expires_at
       WHERE s.email_code_sent_at <= $9
       RETURNING user_id`,
      [
        setup.userId,
        setup.step,
        setup.email,
        setup.emailCodeHash,
        setup.emailCodeSentAt,
        setup.emailCodeExpiresAt,
        setup.startedAt,
        setup.expiresAt,
        lastCodeSentBefore,
      ],
    );
    return written.length === 1;
  }

  /** When the code of the user's setup was sent (the setup must exist). */
  async codeSentAt(userId: string, db: EntityManager): Promise<Date> {
    return (await db.findOneByOrFail(TwoFactorSetupEntity, { userId })).emailCodeSentAt;
  }

  /**
   * Takes one of the code's tries (failures + 1) in a single conditional UPDATE, if the code can
   * still be tried at `now`: not expired, not voided, fewer than `maxFailures` counted, the step
   * not moved on. Null when it cannot; else the code's hash and the failures counted now.
   */
  async takeEmailCodeTry(userId: string, now: Date, maxFailures: number): Promise<{ codeHash: Buffer; failures: number } | null> {
    const [rows] = (await this.setups.query(
      `UPDATE two_factor_setups SET email_code_failures = email_code_failures + 1
        WHERE user_id = $1 AND step = $2 AND email_code_hash IS NOT NULL AND email_code_expires_at > $3 AND email_code_failures < $4
      RETURNING email_code_hash, email_code_failures`,
      [userId, TwoFactorSetupStep.EMAIL_VERIFICATION, now, maxFailures],
    )) as [Array<{ email_code_hash: Buffer; email_code_failures: number }>, number];
    const row = rows[0];
    return row ? { codeHash: row.email_code_hash, failures: row.email_code_failures } : null;
  }

  /** Voids the emailed code, if it is still this one. */
  async voidEmailCode(userId: string, codeHash: Buffer): Promise<void> {
    await this.setups.query(`UPDATE two_factor_setups SET email_code_hash = NULL WHERE user_id = $1 AND email_code_hash = $2`, [userId, codeHash]);
  }

  /** EMAIL_VERIFICATION → AUTHENTICATOR_APP, only while the code is still `codeHash` (it is used up): false when the step had moved on. */
  async advanceToAuthenticatorApp(userId: string, codeHash: Buffer, encryptedSecret: string): Promise<boolean> {
    const advanced = await this.setups
      .createQueryBuilder()
      .update(TwoFactorSetupEntity)
      .set({ step: TwoFactorSetupStep.AUTHENTICATOR_APP, emailCodeHash: null, encryptedSecret })
      .where('user_id = :userId AND step = :step AND email_code_hash = :hash', { userId, step: TwoFactorSetupStep.EMAIL_VERIFICATION, hash: codeHash })
      .execute();
    return advanced.affected === 1;
  }

  /** AUTHENTICATOR_APP → RECOVERY_CODES, keeping the step of the code that confirmed the app: false when the step had moved on. */
  async advanceToRecoveryCodes(userId: string, confirmedStep: string, db: EntityManager): Promise<boolean> {
    const advanced = await db
      .createQueryBuilder()
      .update(TwoFactorSetupEntity)
      .set({ step: TwoFactorSetupStep.RECOVERY_CODES, confirmedStep })
      .where('user_id = :userId AND step = :step', { userId, step: TwoFactorSetupStep.AUTHENTICATOR_APP })
      .execute();
    return advanced.affected === 1;
  }

  /** Deletes a setup waiting at RECOVERY_CODES and unexpired at `now`, returning what it holds; null when there is none. */
  async takeFinished(userId: string, now: Date, db: EntityManager): Promise<FinishedSetup | null> {
    const [removed] = (await db.query(
      `DELETE FROM two_factor_setups WHERE user_id = $1 AND step = $2 AND expires_at > $3
       RETURNING encrypted_secret, confirmed_step`,
      [userId, TwoFactorSetupStep.RECOVERY_CODES, now],
    )) as [Array<{ encrypted_secret: string; confirmed_step: string }>, number];
    const finished = removed[0];
    return finished ? { encryptedSecret: finished.encrypted_secret, confirmedStep: finished.confirmed_step } : null;
  }

  async deleteOf(userId: string, db: EntityManager): Promise<void> {
    await db.delete(TwoFactorSetupEntity, { userId });
  }
}
