import { TOTP_PERIOD_SECONDS, totpCodeAt } from '../../src/two-factor/utils/totp.util';
import { type GraphQLClient, Q } from './graphql-client';
import type { BenchSmtpInbox } from './smtp-inbox';

export const BENCH_PASSWORD = 'correct horse battery staple';

/** A user with 2FA on, as the bench plays them: password, authenticator secret and sessions. */
export interface BenchUser {
  email: string;
  password: string;
  secret: string;
  /** FULL session from completing setup. */
  fullToken: string;
  /** Newest TOTP step this user has had accepted (setup's confirming code counts). */
  lastStep: number;
  /** Tokens of PASSWORD-level (pending second factor) sessions, from login. */
  pending: string[];
  /** True while a verifyLoginSecondFactor of this user is in flight. */
  busy?: boolean;
}

export const stepAt = (epochMs: number) => Math.floor(epochMs / 1000 / TOTP_PERIOD_SECONDS);
export const codeForStep = (secret: string, step: number) => totpCodeAt(secret, step * TOTP_PERIOD_SECONDS + 1);

/** signUp → startTwoFactorSetup → code from mail → verify email → confirm app code → complete. */
export async function createUserWithTwoFactor(client: GraphQLClient, inbox: BenchSmtpInbox, email: string): Promise<BenchUser> {
  const signedUp = await client.must<{ signUp: { accessToken: string } }>('signUp', Q.signUp, {
    input: { email, password: BENCH_PASSWORD, name: 'Bench User' },
  });
  const token = signedUp.signUp.accessToken;
  const mailed = inbox.takeVerificationCode(email);
  mailed.catch(() => undefined);
  await client.must('startTwoFactorSetup', Q.startSetup, {}, token);
  const emailCode = await mailed;
  const enrollment = await client.must<{ verifyTwoFactorSetupEmail: { manualEntryKey: string } }>(
    'verifyTwoFactorSetupEmail',
    Q.verifySetupEmail,
    { code: emailCode },
    token,
  );
  const secret = enrollment.verifyTwoFactorSetupEmail.manualEntryKey;
  const now = Date.now();
  await client.must('confirmTwoFactorSetup', Q.confirmSetup, { code: totpCodeAt(secret, Math.floor(now / 1000)) }, token);
  const completed = await client.must<{ completeTwoFactorSetup: { accessToken: string; status: string } }>(
    'completeTwoFactorSetup',
    Q.completeSetup,
    { saved: true },
    token,
  );
  if (completed.completeTwoFactorSetup.status !== 'AUTHENTICATED') {
    throw new Error(`completeTwoFactorSetup: status ${completed.completeTwoFactorSetup.status}`);
  }
  return { email, password: BENCH_PASSWORD, secret, fullToken: completed.completeTwoFactorSetup.accessToken, lastStep: stepAt(now), pending: [] };
}

/** Logs a 2FA user in and keeps the pending session. */
export async function loginPending(client: GraphQLClient, user: BenchUser): Promise<void> {
  const result = await client.must<{ login: { accessToken: string; status: string } }>('login', Q.login, {
    input: { email: user.email, password: user.password },
  });
  if (result.login.status !== 'SECOND_FACTOR_REQUIRED') throw new Error(`login: status ${result.login.status}`);
  user.pending.push(result.login.accessToken);
}

/**
 * Runs `task(i)` for i = 0..count-1 with `concurrency` in flight; stops starting new ones at the
 * deadline (epoch ms). Returns how many finished. The first failure stops everything.
 */
export async function inParallel(count: number, concurrency: number, deadline: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  let done = 0;
  let failure: unknown;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (failure === undefined && next < count && Date.now() < deadline) {
        const i = next++;
        try {
          await task(i);
          done += 1;
        } catch (error) {
          failure ??= error;
        }
      }
    }),
  );
  if (failure !== undefined) throw failure;
  return done;
}
