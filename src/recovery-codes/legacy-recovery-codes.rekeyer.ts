import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { whileHoldingAdvisoryLock } from '../database/advisory-lock';
import { RecoveryCodeHashVersion, rekeyLegacyRecoveryCodeHash } from './utils/recovery-code.util';
import { RecoveryCodesService } from './recovery-codes.service';

/** Held for the length of a pass, so that of all instances (and workers) one re-keys at a time. */
export const RECOVERY_CODE_REKEY_LOCK_KEY = 7_264_591_333;
/** Rows per statement: each batch is a short statement of its own, so no lock is held for long. */
export const RECOVERY_CODE_REKEY_BATCH = 500;
/** While another instance holds the lock, look again this often (it may die before finishing). */
const RETRY_MS = 60_000;

export interface RekeyPass {
  /** False when another instance held the lock: this one did nothing. */
  ran: boolean;
  rekeyed: number;
}

/**
 * Re-keys recovery codes stored as plain SHA-256 (before keyed hashes, or written by an older
 * instance during a rolling deploy) from what is stored. It runs in the background after start-up,
 * never before the app serves: until a row is re-keyed, RecoveryCodesService.consume accepts it
 * by its legacy hash.
 */
@Injectable()
export class LegacyRecoveryCodesRekeyer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RecoveryCodeRekey');
  private running: Promise<RekeyPass> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly recoveryCodes: RecoveryCodesService,
  ) {}

  /** Not awaited: start-up goes on (and the app listens) while the job runs. */
  onApplicationBootstrap(): void {
    this.inBackground();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retry);
    await this.running?.catch(() => undefined);
  }

  /** One pass now (a pass already running on this instance is awaited instead of started twice). */
  runOnce(): Promise<RekeyPass> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private inBackground(): void {
    setImmediate(() => {
      if (this.stopping) return;
      this.runOnce().then(
        (pass) => {
          if (!pass.ran && !this.stopping) {
            this.retry = setTimeout(() => this.inBackground(), RETRY_MS);
            this.retry.unref();
          }
        },
        (error: Error) => this.logger.error(`Re-keying recovery codes failed: ${error.message}`, error.stack),
      );
    });
  }

  private async pass(): Promise<RekeyPass> {
    const result: RekeyPass = { ran: false, rekeyed: 0 };
    result.ran = await whileHoldingAdvisoryLock(this.dataSource, RECOVERY_CODE_REKEY_LOCK_KEY, async () => {
      let after = '00000000-0000-0000-0000-000000000000';
      while (!this.stopping) {
        const batch = await this.nextBatch(after);
        if (batch.length === 0) break;
        result.rekeyed += await this.rekey(batch);
        after = batch[batch.length - 1].id;
      }
    });
    if (result.rekeyed > 0) this.logger.log(`Re-keyed ${result.rekeyed} recovery codes stored as plain SHA-256`);
    return result;
  }

  /** Walks the partial index of legacy rows by id, so rows already done are never read again. */
  private nextBatch(after: string): Promise<Array<{ id: string; user_id: string; code_hash: Buffer }>> {
    return this.dataSource.query(
      `SELECT id, user_id, code_hash FROM recovery_codes WHERE hash_version = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [RecoveryCodeHashVersion.LEGACY_SHA256, after, RECOVERY_CODE_REKEY_BATCH],
    );
  }

  /** One UPDATE for the batch, conditional per row: a row used or re-keyed meanwhile is left alone. */
  private async rekey(batch: Array<{ id: string; user_id: string; code_hash: Buffer }>): Promise<number> {
    const key = this.recoveryCodes.currentKey();
    const [, updated] = (await this.dataSource.query(
      `UPDATE recovery_codes r SET code_hash = v.new_hash, hash_version = $4
         FROM unnest($1::uuid[], $2::bytea[], $3::bytea[]) AS v(id, old_hash, new_hash)
        WHERE r.id = v.id AND r.hash_version = $5 AND r.code_hash = v.old_hash`,
      [
        batch.map((row) => row.id),
        batch.map((row) => row.code_hash),
        batch.map((row) => rekeyLegacyRecoveryCodeHash(row.code_hash, row.user_id, key)),
        RecoveryCodeHashVersion.KEYED,
        RecoveryCodeHashVersion.LEGACY_SHA256,
      ],
    )) as [unknown[], number];
    return updated;
  }
}
