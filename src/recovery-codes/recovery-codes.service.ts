import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { deriveCodeKey } from '../common/code-keys.util';
import type { SecondFactorSpend } from '../common/second-factor-spend';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RecoveryCodesRepository, spendRecoveryCode } from './recovery-codes.repository';
import { generateRecoveryCodeSet, keyedRecoveryCodeHash, legacyRecoveryCodeHash, normaliseRecoveryCode } from './utils/recovery-code.util';

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
    private readonly recoveryCodes: RecoveryCodesRepository,
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
  async createPendingSet(userId: string, db?: EntityManager): Promise<IssuedRecoveryCodes> {
    const codes = generateRecoveryCodeSet();
    const generatedAt = this.clock.now();
    const hashes = codes.map((code) => keyedRecoveryCodeHash(normaliseRecoveryCode(code)!, userId, this.keys[0]));
    await this.recoveryCodes.replacePendingSet(userId, hashes, generatedAt, db);
    return { codes, generatedAt };
  }

  /** Makes the pending set the only working one. False when there is no pending set. */
  async activatePendingSet(userId: string, db: EntityManager): Promise<boolean> {
    if ((await this.recoveryCodes.countPending(userId, db)) === 0) return false;
    await this.recoveryCodes.replaceActiveWithPending(userId, db);
    return true;
  }

  discardPendingSet(userId: string, db?: EntityManager): Promise<void> {
    return this.recoveryCodes.deletePendingSet(userId, db);
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
  async consume(userId: string, typed: string, db?: EntityManager): Promise<number | null> {
    const write = this.checkCode(userId, typed);
    if (!write || (await this.recoveryCodes.applyUse(write, db)) === 0) return null;
    return this.countRemaining(userId, db);
  }

  countRemaining(userId: string, db?: EntityManager): Promise<number> {
    return this.recoveryCodes.countUnused(userId, db);
  }

  /** Unused codes of each user (the members' 2FA report); users without codes are absent. */
  async countRemainingByUser(userIds: readonly string[]): Promise<Map<string, number>> {
    if (userIds.length === 0) return new Map();
    return this.recoveryCodes.countUnusedByUser(userIds);
  }

  /**
   * Claims the one warning of the active set: true for exactly one caller per set, even when two
   * codes are used at once (the UPDATE locks the rows, and the second sees them already marked).
   */
  claimLowWarning(userId: string, db?: EntityManager): Promise<boolean> {
    return this.recoveryCodes.markLowWarningSent(userId, this.clock.now(), db);
  }

  deleteAll(userId: string, db: EntityManager): Promise<void> {
    return this.recoveryCodes.deleteAllOf(userId, db);
  }
}
