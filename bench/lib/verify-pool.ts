import { TOTP_PERIOD_SECONDS, TOTP_WINDOW_STEPS } from '../../src/two-factor/utils/totp.util';
import { type BenchUser, codeForStep } from './users';

export interface VerifyAttempt {
  userIndex: number;
  token: string;
  code: string;
  step: number;
}

/**
 * Hands out (pending session, TOTP code) pairs for verifyLoginSecondFactor so that no code is ever
 * replayed: each user's steps are used once and in increasing order, and a user has at most one
 * attempt in flight. The server accepts the current step ±1; the previous step is only used while
 * the current one has more than `marginSeconds` to run, so the code is still valid on arrival.
 * Users are taken round-robin, so one user's attempts are thousands of requests apart.
 */
export class VerifyPool {
  private cursor = 0;
  handedOut = 0;
  ranDry = 0;

  constructor(
    private readonly users: BenchUser[],
    private readonly marginSeconds = 4,
  ) {}

  /** The lowest step a user may use now, and the highest. */
  private window(nowMs: number): { low: number; high: number } {
    const now = nowMs / 1000;
    const current = Math.floor(now / TOTP_PERIOD_SECONDS);
    const toNextStep = TOTP_PERIOD_SECONDS - (now % TOTP_PERIOD_SECONDS);
    const low = toNextStep > this.marginSeconds ? current - TOTP_WINDOW_STEPS : current;
    return { low, high: current + TOTP_WINDOW_STEPS };
  }

  next(nowMs = Date.now()): VerifyAttempt | null {
    const { low, high } = this.window(nowMs);
    const n = this.users.length;
    for (let scanned = 0; scanned < n; scanned++) {
      const index = this.cursor;
      this.cursor = (this.cursor + 1) % n;
      const user = this.users[index];
      if (user.busy || user.pending.length === 0) continue;
      const step = Math.max(user.lastStep + 1, low);
      if (step > high) continue;
      user.lastStep = step;
      user.busy = true;
      this.handedOut += 1;
      return { userIndex: index, token: user.pending.pop()!, code: codeForStep(user.secret, step), step };
    }
    this.ranDry += 1;
    return null;
  }

  done(userIndex: number): void {
    const user = this.users[userIndex];
    if (user) user.busy = false;
  }

  /** Attempts that could be handed out right now (ignoring `busy`). */
  servable(nowMs = Date.now()): number {
    const { low, high } = this.window(nowMs);
    let total = 0;
    for (const user of this.users) {
      if (user.pending.length === 0) continue;
      const steps = high - Math.max(user.lastStep + 1, low) + 1;
      if (steps > 0) total += Math.min(steps, user.pending.length);
    }
    return total;
  }

  /** Pending sessions not yet handed out. */
  remainingSessions(): number {
    return this.users.reduce((sum, user) => sum + user.pending.length, 0);
  }
}
