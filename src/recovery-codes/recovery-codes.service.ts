import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { deriveCodeKey } from '../common/code-keys.util';
import type { SecondFactorSpend } from '../common/second-factor-spend';
import { runPieceAlone } from '../database/statement';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RecoveryCodeEntity, RecoveryCodeStatus } from './entities/recovery-code.entity';
import {
  generateRecoveryCodeSet,
  keyedRecoveryCodeHash,
  legacyRecoveryCodeHash,
  normaliseRecoveryCode,
  RecoveryCodeHashVersion,
} from './utils/recovery-code.util';

export interface IssuedRecoveryCodes {
  /** The only time the plain codes exist: they are returned once and stored as hashes. */
  codes: string[];
  generatedAt: Date;
}

/**
 * One-time recovery codes. A new set is PENDING until the user confirms it is saved; activating it
 * replaces the old set in the same transaction, so there is never a moment with no working set.
 */
@Injectable()
export class RecoveryCodesService {
  /** The current key first; keys of ENCRYPTION_KEYS_PREVIOUS keep codes hashed before a rotation working. */
  private readonly keys: Buffer[];

  constructor(
    @InjectRepository(RecoveryCodeEntity) private readonly recoveryCodes: Repository<RecoveryCodeEntity>,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    if (!config.encryptionKey) throw new Error('ENCRYPTION_KEY is required to hash recovery codes');
    this.keys = [config.encryptionKey, ...config.previousEncryptionKeys].map((key) => deriveCodeKey(Buffer.from(key, 'base64'), 'recovery-codes'));
  }

  /** The key new hashes are made with (the legacy re-keying job uses it too). */
  currentKey(): Buffer {
    return this.keys[0];
  }

  /** Replaces any pending set with a new one and returns its codes. */
  async createPendingSet(userId: string, db: EntityManager = this.recoveryCodes.manager): Promise<IssuedRecoveryCodes> {
    const codes = generateRecoveryCodeSet();
    const generatedAt = this.clock.now();
    await db.delete(RecoveryCodeEntity, { userId, status: RecoveryCodeStatus.PENDING });
    await db.insert(
      RecoveryCodeEntity,
      codes.map((code) => ({
        userId,
        codeHash: keyedRecoveryCodeHash(normaliseRecoveryCode(code)!, userId, this.keys[0]),
        hashVersion: RecoveryCodeHashVersion.KEYED,
        status: RecoveryCodeStatus.PENDING,
        createdAt: generatedAt,
        usedAt: null,
      })),
    );
    return { codes, generatedAt };
  }

  /** Makes the pending set the only working one. False when there is no pending set. */
  async activatePendingSet(userId: string, db: EntityManager): Promise<boolean> {
    const pending = await db.count(RecoveryCodeEntity, { where: { userId, status: RecoveryCodeStatus.PENDING } });
    if (pending === 0) return false;
    await db.delete(RecoveryCodeEntity, { userId, status: RecoveryCodeStatus.ACTIVE });
    await db.update(RecoveryCodeEntity, { userId, status: RecoveryCodeStatus.PENDING }, { status: RecoveryCodeStatus.ACTIVE });
    return true;
  }

  async discardPendingSet(userId: string, db: EntityManager = this.recoveryCodes.manager): Promise<void> {
    await db.delete(RecoveryCodeEntity, { userId, status: RecoveryCodeStatus.PENDING });
  }

  /**
   * The write that uses a code once, or null when what was typed cannot be a code. It is a single
   * conditional UPDATE, so of concurrent requests with the same code exactly one changes a row;
   * when none changes, the code is wrong (or used).
   */
  checkCode(userId: string, typed: string): SecondFactorSpend | null {
    const canonical = normaliseRecoveryCode(typed);
    if (!canonical) return null;
    const keyedHashes = this.keys.map((key) => keyedRecoveryCodeHash(canonical, userId, key));
    return spendRecoveryCode(userId, keyedHashes, legacyRecoveryCodeHash(canonical), this.clock.now());
  }

  /**
   * Uses a code once, as a statement of its own (in `db`'s transaction, if any). Returns how many
   * codes remain, or null when the code does not work.
   */
  async consume(userId: string, typed: string, db: EntityManager = this.recoveryCodes.manager): Promise<number | null> {
    const write = this.checkCode(userId, typed);
    if (!write || (await runPieceAlone(db, write)) === 0) return null;
    return this.countRemaining(userId, db);
  }

  countRemaining(userId: string, db: EntityManager = this.recoveryCodes.manager): Promise<number> {
    return db.count(RecoveryCodeEntity, { where: { userId, status: RecoveryCodeStatus.ACTIVE, usedAt: IsNull() } });
  }

  /** Unused codes of each user (the members' 2FA report); users without codes are absent. */
  async countRemainingByUser(userIds: readonly string[]): Promise<Map<string, number>> {
    if (userIds.length === 0) return new Map();
    const rows: Array<{ user_id: string; remaining: number }> = await this.recoveryCodes.query(
      `SELECT user_id, count(*)::int AS remaining FROM recovery_codes
        WHERE user_id = ANY ($1::uuid[]) AND status = $2 AND used_at IS NULL GROUP BY user_id`,
      [userIds, RecoveryCodeStatus.ACTIVE],
    );
    return new Map(rows.map((row) => [row.user_id, row.remaining]));
  }

  /**
   * Claims the one warning of the active set: true for exactly one caller per set, even when two
   * codes are used at once (the UPDATE locks the rows, and the second sees them already marked).
   */
  async claimLowWarning(userId: string, db: EntityManager = this.recoveryCodes.manager): Promise<boolean> {
    const [, changed] = (await db.query(
      `UPDATE recovery_codes SET low_warning_sent_at = $1 WHERE user_id = $2 AND status = $3 AND low_warning_sent_at IS NULL`,
      [this.clock.now(), userId, RecoveryCodeStatus.ACTIVE],
    )) as [unknown, number];
    return changed > 0;
  }

  async deleteAll(userId: string, db: EntityManager): Promise<void> {
    await db.delete(RecoveryCodeEntity, { userId });
  }
}

/**
 * Marks the user's unused active code with one of these hashes used: a single conditional UPDATE,
 * so of concurrent requests with the same code exactly one changes a row.
 */
export function spendRecoveryCode(userId: string, keyedHashes: Buffer[], legacyHash: Buffer, now: Date): SecondFactorSpend {
  return (statement, when) =>
    statement.with(
      'recovery_code_used',
      `UPDATE recovery_codes SET used_at = ${statement.value(now)}
        WHERE user_id = ${statement.value(userId)} AND status = ${statement.value(RecoveryCodeStatus.ACTIVE)} AND used_at IS NULL
          AND ((hash_version = ${statement.value(RecoveryCodeHashVersion.KEYED)} AND code_hash = ANY (${statement.value(keyedHashes)}::bytea[]))
            -- A row not yet re-keyed (see LegacyRecoveryCodesRekeyer) is still accepted.
            OR (hash_version = ${statement.value(RecoveryCodeHashVersion.LEGACY_SHA256)} AND code_hash = ${statement.value(legacyHash)}))
          AND ${when.sql}
       RETURNING 1`,
    );
}
