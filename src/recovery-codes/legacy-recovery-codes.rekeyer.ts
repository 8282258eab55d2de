import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type LegacyRecoveryCode, RecoveryCodesRepository } from './recovery-codes.repository';
import { RecoveryCodesService } from './recovery-codes.service';
import { rekeyLegacyRecoveryCodeHash } from './utils/recovery-code.util';

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
    private readonly codes: RecoveryCodesRepository,
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
    result.ran = await this.codes.whileHoldingLock(RECOVERY_CODE_REKEY_LOCK_KEY, async () => {
      let after = '00000000-0000-0000-0000-000000000000';
      while (!this.stopping) {
        const batch = await this.codes.legacyBatchAfter(after, RECOVERY_CODE_REKEY_BATCH);
        if (batch.length === 0) break;
        result.rekeyed += await this.rekey(batch);
        after = batch[batch.length - 1].id;
      }
    });
    if (result.rekeyed > 0) this.logger.log(`Re-keyed ${result.rekeyed} recovery codes stored as plain SHA-256`);
    return result;
  }

  /** One UPDATE for the batch, conditional per row: a row used or re-keyed meanwhile is left alone. */
  private rekey(batch: LegacyRecoveryCode[]): Promise<number> {
    const key = this.recoveryCodes.currentKey();
    return this.codes.rekeyLegacy(batch.map((row) => ({ ...row, keyedHash: rekeyLegacyRecoveryCodeHash(row.codeHash, row.userId, key) })));
  }
}
