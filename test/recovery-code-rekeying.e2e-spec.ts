import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LegacyRecoveryCodesRekeyer, RECOVERY_CODE_REKEY_BATCH, RECOVERY_CODE_REKEY_LOCK_KEY } from '../src/recovery-codes/legacy-recovery-codes.rekeyer';
import { normaliseRecoveryCode } from '../src/recovery-codes/utils/recovery-code.util';
import { errorCode, login, me, newUser, type SignedIn } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';
import { enableTwoFactor, verifyLoginSecondFactor } from './support/two-factor';

/**
 * Recovery codes stored as plain SHA-256 are re-keyed by a background job after start-up, in
 * batches, on one instance at a time; until then they keep working by their legacy hash.
 */
let t: TestApp;
let db: Client;
const LEGACY_ROWS = 3 * RECOVERY_CODE_REKEY_BATCH + 7;
const legacyHash = (code: string) => createHash('sha256').update(normaliseRecoveryCode(code)!).digest();
const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params)).rows[0].n);
const legacyRows = () => count('SELECT count(*) AS n FROM recovery_codes WHERE hash_version = 1');
const rekeyer = (app: TestApp) => app.app.get(LegacyRecoveryCodesRekeyer);

/** Signs in with the recovery code; the session it gives works. */
async function signInWithRecoveryCode(app: TestApp, user: SignedIn, recoveryCode: string) {
  const pending = (await login(app, { email: user.email, password: user.password })).data!.login.accessToken;
  return verifyLoginSecondFactor(app, pending, { recoveryCode });
}

/** Legacy codes, as stored before keyed hashes, for a user: the ones named, and filler up to `rows`. */
async function storeLegacyCodes(userId: string, codes: string[], rows: number) {
  await db.query(
    `INSERT INTO recovery_codes (user_id, code_hash, status, created_at, hash_version)
     SELECT $1, CASE WHEN i <= cardinality($2::bytea[]) THEN ($2::bytea[])[i] ELSE sha256(('filler ' || i)::bytea) END, 'ACTIVE', now(), 1
       FROM generate_series(1, $3) AS i`,
    [userId, codes.map(legacyHash), rows],
  );
}

beforeAll(async () => {
  t = await startTestApp();
  db = new Client({ connectionString: t.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db.end();
  await t.close();
});

describe('re-keying legacy recovery codes', () => {
  it('does not hold up start-up: legacy codes work while the job waits, and still work once it ran', async () => {
    const user = await newUser(t);
    const { token } = await enableTwoFactor(t, user);
    const codes = ['ab1c0-de2fg', 'hj3k4-mn5pq', 'rs6tv-wx7yz'];
    await storeLegacyCodes(user.userId, codes, LEGACY_ROWS);

    // Another instance holds the job's lock: this one starts and serves without re-keying anything.
    const other = new Client({ connectionString: t.databaseUrl });
    await other.connect();
    try {
      // As an instance holds it: in a transaction (a session lock would not survive a pooler).
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1)', [RECOVERY_CODE_REKEY_LOCK_KEY]);
      t = await t.restart();
      expect((await me(t, token)).data!.me.email).toBe(user.email);
      expect(await rekeyer(t).runOnce()).toEqual({ ran: false, rekeyed: 0 });
      expect(await legacyRows()).toBe(LEGACY_ROWS);

      const before = await signInWithRecoveryCode(t, user, codes[0]);
      expect(before.errors).toBeUndefined();
      expect(before.data!.verifyLoginSecondFactor.status).toBe('AUTHENTICATED');
      // Used once, refused the second time, legacy or not.
      expect(errorCode(await signInWithRecoveryCode(t, user, codes[0]))).toBe('INVALID_CODE');
      await other.query('ROLLBACK');
    } finally {
      await other.end();
    }

    const pass = await rekeyer(t).runOnce();

    expect(pass).toEqual({ ran: true, rekeyed: LEGACY_ROWS });
    expect(await legacyRows()).toBe(0);
    expect(await count('SELECT count(*) AS n FROM recovery_codes WHERE code_hash = ANY($1)', [codes.map(legacyHash)])).toBe(0);
    const after = await signInWithRecoveryCode(t, user, codes[1]);
    expect(after.errors).toBeUndefined();
    expect(after.data!.verifyLoginSecondFactor.status).toBe('AUTHENTICATED');
    expect(errorCode(await signInWithRecoveryCode(t, user, codes[0]))).toBe('INVALID_CODE');
    expect(errorCode(await signInWithRecoveryCode(t, user, 'zzzzz-zzzzz'))).toBe('INVALID_CODE');
  });

  it('runs by itself after start-up, in the background', async () => {
    const user = await newUser(t);
    await enableTwoFactor(t, user);
    await storeLegacyCodes(user.userId, ['ab1c0-de2fg'], RECOVERY_CODE_REKEY_BATCH + 1);

    t = await t.restart();

    await vi.waitFor(async () => expect(await legacyRows()).toBe(0), { timeout: 10_000, interval: 100 });
    expect((await signInWithRecoveryCode(t, user, 'ab1c0-de2fg')).errors).toBeUndefined();
  });

  it('two instances at once: one re-keys every row, the other does nothing', async () => {
    const user = await newUser(t);
    const b = await startTestApp({ databaseUrl: t.databaseUrl, clock: t.clock });
    try {
      await rekeyer(b).runOnce(); // its start-up pass, over before the rows below exist
      await storeLegacyCodes(user.userId, [], 2 * RECOVERY_CODE_REKEY_BATCH);
      const [onA, onB] = await Promise.all([rekeyer(t).runOnce(), rekeyer(b).runOnce()]);
      // Each row is re-keyed once: had both run, the second would have found nothing left.
      expect(onA.rekeyed + onB.rekeyed).toBe(2 * RECOVERY_CODE_REKEY_BATCH);
      expect([onA, onB].filter((pass) => pass.rekeyed > 0)).toHaveLength(1);
      expect(await legacyRows()).toBe(0);
    } finally {
      await b.close();
    }
  });
});
