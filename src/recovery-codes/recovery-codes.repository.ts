import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, IsNull, Repository } from 'typeorm';
import type { SecondFactorSpend } from '../common/second-factor-spend';
import { runPieceAlone } from '../database/statement';
import { whileHoldingAdvisoryLock } from '../database/advisory-lock';
import { RecoveryCodeEntity, RecoveryCodeStatus } from './entities/recovery-code.entity';
import { RecoveryCodeHashVersion } from './utils/recovery-code.util';

/** A code still stored as plain SHA-256, as the re-keying job reads it. */
export interface LegacyRecoveryCode {
  id: string;
  userId: string;
  codeHash: Buffer;
}

/** The recovery_codes table: a user's sets (PENDING until confirmed, then ACTIVE) and the use of each code. */
@Injectable()
export class RecoveryCodesRepository {
  constructor(@InjectRepository(RecoveryCodeEntity) private readonly codes: Repository<RecoveryCodeEntity>) {}

  /** Deletes the user's pending set, if any, and stores these hashes (keyed) as the new one. */
  async replacePendingSet(userId: string, codeHashes: Buffer[], createdAt: Date, db: EntityManager = this.codes.manager): Promise<void> {
    await this.deletePendingSet(userId, db);
    await db.insert(
      RecoveryCodeEntity,
      codeHashes.map((codeHash) => ({ userId, codeHash, hashVersion: RecoveryCodeHashVersion.KEYED, status: RecoveryCodeStatus.PENDING, createdAt, usedAt: null })),
    );
  }

  countPending(userId: string, db: EntityManager): Promise<number> {
    return db.count(RecoveryCodeEntity, { where: { userId, status: RecoveryCodeStatus.PENDING } });
  }

  /** Deletes the active set and makes the pending set the active one. */
  async replaceActiveWithPending(userId: string, db: EntityManager): Promise<void> {
    await db.delete(RecoveryCodeEntity, { userId, status: RecoveryCodeStatus.ACTIVE });
    await db.update(RecoveryCodeEntity, { userId, status: RecoveryCodeStatus.PENDING }, { status: RecoveryCodeStatus.ACTIVE });
  }

  async deletePendingSet(userId: string, db: EntityManager = this.codes.manager): Promise<void> {
    await db.delete(RecoveryCodeEntity, { userId, status: RecoveryCodeStatus.PENDING });
  }

  async deleteAllOf(userId: string, db: EntityManager = this.codes.manager): Promise<void> {
    await db.delete(RecoveryCodeEntity, { userId });
  }

  /** Runs spendRecoveryCode's piece as a statement of its own: the codes it used (0 or 1). */
  applyUse(spend: SecondFactorSpend, db: EntityManager = this.codes.manager): Promise<number> {
    return runPieceAlone(db, spend);
  }

  countUnused(userId: string, db: EntityManager = this.codes.manager): Promise<number> {
    return db.count(RecoveryCodeEntity, { where: { userId, status: RecoveryCodeStatus.ACTIVE, usedAt: IsNull() } });
  }

  /** Unused codes of each user's active set; users without any are absent. */
  async countUnusedByUser(userIds: readonly string[]): Promise<Map<string, number>> {
    const rows: Array<{ user_id: string; remaining: number }> = await this.codes.query(
      `SELECT user_id, count(*)::int AS remaining FROM recovery_codes
        WHERE user_id = ANY ($1::uuid[]) AND status = $2 AND used_at IS NULL GROUP BY user_id`,
      [userIds, RecoveryCodeStatus.ACTIVE],
    );
    return new Map(rows.map((row) => [row.user_id, row.remaining]));
  }

  /**
   * Marks the active set as warned: true for exactly one caller per set, even when two codes are
   * used at once (the UPDATE locks the rows, and the second sees them already marked).
   */
  async markLowWarningSent(userId: string, at: Date, db: EntityManager = this.codes.manager): Promise<boolean> {
    const [, changed] = (await db.query(
      `UPDATE recovery_codes SET low_warning_sent_at = $1 WHERE user_id = $2 AND status = $3 AND low_warning_sent_at IS NULL`,
      [at, userId, RecoveryCodeStatus.ACTIVE],
    )) as [unknown, number];
    return changed > 0;
  }

  /** Runs `work` while holding the advisory lock `key` (see whileHoldingAdvisoryLock); false when another instance holds it. */
  whileHoldingLock(key: number, work: () => Promise<void>): Promise<boolean> {
    return whileHoldingAdvisoryLock(this.codes.manager.connection, key, work);
  }

  /** Walks the partial index of legacy rows by id, so rows already done are never read again. */
  async legacyBatchAfter(afterId: string, limit: number): Promise<LegacyRecoveryCode[]> {
    const rows: Array<{ id: string; user_id: string; code_hash: Buffer }> = await this.codes.query(
      `SELECT id, user_id, code_hash FROM recovery_codes WHERE hash_version = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [RecoveryCodeHashVersion.LEGACY_SHA256, afterId, limit],
    );
    return rows.map((row) => ({ id: row.id, userId: row.user_id, codeHash: row.code_hash }));
  }

  /**
   * Stores each row's keyed hash in one UPDATE, conditional per row: a row used or re-keyed since
   * it was read (its hash or version changed) is left alone. Returns the rows re-keyed.
   */
  async rekeyLegacy(rows: Array<LegacyRecoveryCode & { keyedHash: Buffer }>): Promise<number> {
    const [, updated] = (await this.codes.query(
      `UPDATE recovery_codes r SET code_hash = v.new_hash, hash_version = $4
         FROM unnest($1::uuid[], $2::bytea[], $3::bytea[]) AS v(id, old_hash, new_hash)
        WHERE r.id = v.id AND r.hash_version = $5 AND r.code_hash = v.old_hash`,
      [
        rows.map((row) => row.id),
        rows.map((row) => row.codeHash),
        rows.map((row) => row.keyedHash),
        RecoveryCodeHashVersion.KEYED,
        RecoveryCodeHashVersion.LEGACY_SHA256,
      ],
    )) as [unknown[], number];
    return updated;
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
