import { type RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../common/app-error';
import type { StatementPiece } from '../database/statement';
import type { MetricsService } from '../metrics/metrics.service';
import { formatWait, LOCK_LADDER_MEMORY_SECONDS, nextLockSeconds } from './lock-ladder';
import { deleteRateLimitKeys, type RateLimitsRepository } from './rate-limits.repository';

/** A reserved attempt; the caller says how it ended. */
export interface Attempt {
  /** A success gives the points back and starts the lock ladder again; the failure that uses the last point starts a lock. */
  end(succeeded: boolean): Promise<{ lockedNow: boolean; lockedForSeconds: number }>;
  /** The attempt never got to check anything (e.g. its session was gone): its point is returned. */
  release(): Promise<void>;
  /**
   * What a success clears, as a piece of the statement that writes the success (gated on it), so
   * that a hot path commits once. Once a piece is taken, `end(true)` leaves the clearing to it.
   */
  successPiece(): StatementPiece;
}

/**
 * Failures allowed per key, then a lock whose length climbs the ladder. Three rows per key, shared
 * by every instance: the failures counted in the window, the running lock (a row of its own, so
 * nothing a refused request does can shorten or lift it), and the ladder (locks in a row).
 *
 * Bookkeeping rules that keep the count honest:
 * - a reservation is one atomic increment, so of concurrent guesses exactly `points` get through;
 * - the guess holding the last point decides: a failure writes the lock, then clears the count; a
 *   success clears count and ladder; a release puts the count back to one short of the limit
 *   (refusals counted meanwhile were not guesses), so no key stays refused without a lock;
 * - a reservation looks for a lock after incrementing, so one taken from a count cleared by a new
 *   lock still sees that lock and is refused;
 * - a refusal's wait is the running lock's rest, or, while the last guess is being checked, the
 *   length of the lock it would set.
 */
export class FailureLimit {
  constructor(
    private readonly name: string,
    private readonly rateLimits: RateLimitsRepository,
    private readonly metrics: MetricsService,
    private readonly failures: RateLimiterPostgres,
    private readonly ladder: RateLimiterPostgres,
    private readonly lockRows: RateLimiterPostgres,
    private readonly message: string,
  ) {}

  async reserve(key: string): Promise<Attempt> {
    let reserved: RateLimiterRes;
    try {
      reserved = await this.failures.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw this.refusal(await this.waitSeconds(key));
    }
    const lock = await this.lockRows.get(key);
    if (lock) {
      await this.failures.reward(key, 1);
      throw this.refusal(Math.ceil(lock.msBeforeNext / 1000));
    }
    let clearedBySuccessStatement = false;
    return {
      successPiece: () => {
        clearedBySuccessStatement = true;
        return deleteRateLimitKeys(this.keysClearedBySuccess(key));
      },
      end: async (succeeded) => {
        if (succeeded) {
          // Count and ladder in one statement.
          if (!clearedBySuccessStatement) await this.rateLimits.deleteKeys(this.keysClearedBySuccess(key));
          return { lockedNow: false, lockedForSeconds: 0 };
        }
        if (reserved.remainingPoints > 0) return { lockedNow: false, lockedForSeconds: 0 };
        // Only the guess that took the last point gets here, so these writes do not race each other.
        const locksSoFar = (await this.ladder.get(key))?.consumedPoints ?? 0;
        const lockSeconds = nextLockSeconds(locksSoFar);
        await this.lockRows.set(key, 1, lockSeconds);
        await this.failures.delete(key);
        await this.ladder.set(key, locksSoFar + 1, lockSeconds + LOCK_LADDER_MEMORY_SECONDS);
        this.metrics.countLockout(this.name);
        return { lockedNow: true, lockedForSeconds: lockSeconds };
      },
      release: async () => {
        if (reserved.remainingPoints > 0) {
          await this.failures.reward(key, 1);
          return;
        }
        await this.failures.set(key, this.failures.points - 1, Math.ceil(reserved.msBeforeNext / 1000));
      },
    };
  }

  /** The rows a success deletes: the failures counted and the ladder (a running lock stays). */
  keysClearedBySuccess(key: string): string[] {
    return [this.failures.getKey(key), this.ladder.getKey(key)];
  }

  /** Deletes the count, the lock and the ladder of every key LIKE the pattern (a plain key matches itself). */
  async forget(keyPattern: string): Promise<void> {
    const patterns = [this.failures, this.ladder, this.lockRows].map((limiter) => limiter.getKey(keyPattern));
    await this.rateLimits.deleteKeysLike(patterns);
  }

  private async waitSeconds(key: string): Promise<number> {
    const lock = await this.lockRows.get(key);
    if (lock) return Math.ceil(lock.msBeforeNext / 1000);
    return nextLockSeconds((await this.ladder.get(key))?.consumedPoints ?? 0);
  }

  private refusal(seconds: number): AppError {
    return AppError.tooManyAttempts(seconds, `${this.message} Try again in ${formatWait(seconds)}.`);
  }
}
