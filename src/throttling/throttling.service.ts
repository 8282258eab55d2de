import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { AppError } from '../common/app-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { clientAddressKey } from './utils/client-address-key';
import { normaliseEmail } from '../users/utils/normalise-email.util';

export const PASSWORD_FAILURES_ALLOWED = 10;
export const PASSWORD_WINDOW_SECONDS = 15 * 60;
export const PASSWORD_LOCK_SECONDS = 15 * 60;
export const SECOND_FACTOR_FAILURES_ALLOWED = 10;
export const SECOND_FACTOR_LOCK_SECONDS = 15 * 60;
/** "Consecutive" wrong codes: a success clears the count; a day without one forgets it too. */
const SECOND_FACTOR_MEMORY_SECONDS = 24 * 60 * 60;

/** A reserved attempt; the caller says how it ended. */
export interface Attempt {
  /** A success gives the points back; the failure that uses the last point starts the lock. */
  end(succeeded: boolean): Promise<{ lockedNow: boolean; lockedForSeconds: number }>;
  /** The attempt never got to check anything (e.g. its session was gone): its point is returned. */
  release(): Promise<void>;
}

/**
 * Brute-force limits, kept in PostgreSQL by rate-limiter-flexible so that every instance counts
 * together. Each guarded attempt first reserves a point (atomically), so a burst of concurrent
 * guesses cannot slip past the limit; a success gives the points back.
 */
@Injectable()
export class ThrottlingService {
  private readonly passwordFailures: RateLimiterPostgres;
  private readonly secondFactorFailures: RateLimiterPostgres;
  private readonly publicRequests: RateLimiterPostgres | null;

  constructor(dataSource: DataSource, @Inject(APP_CONFIG) config: AppConfig) {
    const store = { storeClient: dataSource, storeType: 'typeorm', tableName: 'rate_limits', tableCreated: true };
    this.passwordFailures = new RateLimiterPostgres({ ...store, keyPrefix: 'password', points: PASSWORD_FAILURES_ALLOWED, duration: PASSWORD_WINDOW_SECONDS });
    this.secondFactorFailures = new RateLimiterPostgres({ ...store, keyPrefix: 'second-factor', points: SECOND_FACTOR_FAILURES_ALLOWED, duration: SECOND_FACTOR_MEMORY_SECONDS });
    this.publicRequests = config.ipRateLimitPerMinute > 0
      ? new RateLimiterPostgres({ ...store, keyPrefix: 'public-ip', points: config.ipRateLimitPerMinute, duration: 60 })
      : null;
  }

  /** Reserves a password attempt for this email (known or not); TOO_MANY_ATTEMPTS while locked. */
  passwordAttempt(email: string): Promise<Attempt> {
    return reserve(this.passwordFailures, keyOf(email), PASSWORD_LOCK_SECONDS, 'Too many failed sign-ins for this email.');
  }

  /** Reserves a second-factor attempt for this account; TOO_MANY_ATTEMPTS while its second factor is locked. */
  secondFactorAttempt(userId: string): Promise<Attempt> {
    return reserve(
      this.secondFactorFailures,
      userId,
      SECOND_FACTOR_LOCK_SECONDS,
      'Too many wrong codes: sign-in with a second factor is paused for this account.',
    );
  }

  /** Counts a request to a public operation (signUp, login) against the client's address (an IPv6 client's /64). */
  async countPublicRequest(ipAddress: string | undefined): Promise<void> {
    if (!this.publicRequests) return;
    await reserve(this.publicRequests, clientAddressKey(ipAddress), 0, 'Too many requests from your network.');
  }
}

/** Emails are limited by a hash of the address, so the table holds no list of tried addresses. */
function keyOf(email: string): string {
  return createHash('sha256').update(normaliseEmail(email)).digest('hex').slice(0, 40);
}

async function reserve(limiter: RateLimiterPostgres, key: string, lockSeconds: number, message: string): Promise<Attempt> {
  let reserved: RateLimiterRes;
  try {
    reserved = await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      const seconds = Math.ceil(rejection.msBeforeNext / 1000);
      throw AppError.tooManyAttempts(seconds, `${message} Try again in ${formatWait(seconds)}.`);
    }
    throw rejection;
  }
  return {
    async end(succeeded) {
      if (succeeded) {
        await limiter.delete(key);
      } else if (reserved.remainingPoints === 0) {
        await limiter.block(key, lockSeconds);
        return { lockedNow: true, lockedForSeconds: lockSeconds };
      }
      return { lockedNow: false, lockedForSeconds: 0 };
    },
    async release() {
      await limiter.reward(key, 1);
    },
  };
}

function formatWait(seconds: number): string {
  return seconds >= 120 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
}
