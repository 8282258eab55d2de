import { createHmac } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deriveCodeKey } from '../src/common/code-keys.util';
import { DataPruningService, DATA_PRUNING_LOCK_KEY } from '../src/maintenance/data-pruning.service';
import { errorCode, login, me, mySecurityEvents, newUser, uniqueEmail } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';
import { enableTwoFactor, startSetup, totpCode, trustedDevices, twoFactorStatus, verifyLoginSecondFactor } from './support/two-factor';

/**
 * The pruning job deletes what nobody can use any more (expired sessions, setups with their email
 * codes, trusted devices, rate-limit windows, security events past their retention) and leaves
 * everything live alone; one instance at a time does it.
 */
let t: TestApp;
let db: Client;
const pruning = (app: TestApp = t) => app.app.get(DataPruningService);
const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params)).rows[0].n);

beforeAll(async () => {
  t = await startTestApp();
  db = new Client({ connectionString: t.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db.end();
  await t.close();
});

describe('the data-pruning job', () => {
  it('deletes expired sessions and keeps live ones working', async () => {
    const old = await newUser(t);
    t.clock.advanceMinutes(25 * 60);
    const fresh = await newUser(t);
    expect(await count('SELECT count(*) AS n FROM sessions WHERE user_id = $1', [old.userId])).toBe(1);

    const pass = await pruning().runOnce();

    expect(pass.ran).toBe(true);
    expect(pass.deleted.sessions).toBeGreaterThanOrEqual(1);
    expect(await count('SELECT count(*) AS n FROM sessions WHERE user_id = $1', [old.userId])).toBe(0);
    expect((await me(t, fresh.token)).data!.me.email).toBe(fresh.email);
  });

  it('deletes setups past their 30 minutes with their email codes, and keeps one in progress', async () => {
    const abandoned = await newUser(t);
    await startSetup(t, abandoned.token);
    t.clock.advanceMinutes(31);
    const inProgress = await newUser(t);
    await startSetup(t, inProgress.token);

    await pruning().runOnce();

    expect(await count('SELECT count(*) AS n FROM two_factor_setups WHERE user_id = $1', [abandoned.userId])).toBe(0);
    expect((await twoFactorStatus(t, inProgress.token)).data!.twoFactorStatus.setupStep).toBe('EMAIL_VERIFICATION');
  });

  it('deletes trusted devices past their 30 days and keeps a newer one', async () => {
    const user = await newUser(t);
    const { secret } = await enableTwoFactor(t, user);
    const trustThisDevice = async () => {
      const pending = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
      const verified = await verifyLoginSecondFactor(t, pending, { code: totpCode(secret, t.clock), rememberDevice: true });
      t.clock.advanceSeconds(30);
      return verified.data!.verifyLoginSecondFactor.accessToken as string;
    };
    await trustThisDevice();
    t.clock.advanceMinutes(31 * 24 * 60);
    const token = await trustThisDevice();
    expect(await count('SELECT count(*) AS n FROM trusted_devices WHERE user_id = $1', [user.userId])).toBe(2);

    const pass = await pruning().runOnce();

    expect(pass.deleted['trusted devices']).toBeGreaterThanOrEqual(1);
    expect(await count('SELECT count(*) AS n FROM trusted_devices WHERE user_id = $1', [user.userId])).toBe(1);
    expect((await trustedDevices(t, token)).data!.trustedDevices).toHaveLength(1);
  });

  it('deletes rate-limit windows that have ended and keeps the running ones counting', async () => {
    // rate-limiter-flexible stamps its rows with the real time, so the fake clock is put beside it.
    const failedLogin = (email: string) => login(t, { email, password: 'not the password' });
    // Every row kept for this email (keyed by an HMAC of it), from this client and from all: the
    // failures counted, and once locked, the lock and its ladder.
    const addressKey = (email: string) =>
      createHmac('sha256', deriveCodeKey(Buffer.from(t.config.encryptionKey!, 'base64'), 'rate-limit-keys')).update(email).digest('hex').slice(0, 40);
    const rowsFor = (email: string) => count("SELECT count(*) AS n FROM rate_limits WHERE key LIKE 'password%:' || $1 || '%'", [addressKey(email)]);
    const ended = uniqueEmail('ended');
    await failedLogin(ended);
    expect(await rowsFor(ended)).toBe(2);
    t.clock.set(new Date(Date.now() + 16 * 60_000));

    const pass = await pruning().runOnce();

    expect(pass.deleted['rate-limit windows']).toBeGreaterThanOrEqual(1);
    expect(await rowsFor(ended)).toBe(0);

    const running = uniqueEmail('running');
    for (let i = 0; i < 10; i++) await failedLogin(running);
    t.clock.set(new Date(Date.now() + 60_000));
    const lockedRows = await rowsFor(running);
    expect(lockedRows).toBeGreaterThanOrEqual(1);
    await pruning().runOnce();
    expect(await rowsFor(running)).toBe(lockedRows);
    expect(errorCode(await failedLogin(running))).toBe('TOO_MANY_ATTEMPTS');
  });

  it('deletes security events older than SECURITY_EVENT_RETENTION_DAYS (365) and keeps newer ones', async () => {
    const user = await newUser(t);
    t.clock.advanceMinutes(366 * 24 * 60);
    const token = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
    const typesBefore = (await mySecurityEvents(t, token)).data!.mySecurityEvents.map((e: { type: string }) => e.type);
    expect(typesBefore).toContain('SIGNED_UP');

    const pass = await pruning().runOnce();

    expect(pass.deleted['security events']).toBeGreaterThanOrEqual(1);
    const typesAfter = (await mySecurityEvents(t, token)).data!.mySecurityEvents.map((e: { type: string }) => e.type);
    expect(typesAfter).not.toContain('SIGNED_UP');
    expect(typesAfter.length).toBeGreaterThanOrEqual(1);
  });

  it('works in batches: more expired rows than one batch all go', async () => {
    const small = await t.restart({ dataPruneBatchSize: 3 });
    try {
      const users = await Promise.all(Array.from({ length: 8 }, () => newUser(small)));
      small.clock.advanceMinutes(25 * 60);
      const pass = await pruning(small).runOnce();
      expect(pass.deleted.sessions).toBeGreaterThanOrEqual(8);
      expect(pass.batches).toBeGreaterThan(3);
      expect(await count('SELECT count(*) AS n FROM sessions WHERE user_id = ANY($1)', [users.map((u) => u.userId)])).toBe(0);
    } finally {
      await small.app.close();
    }
    t = await startTestApp({ databaseUrl: t.databaseUrl, clock: t.clock, inbox: t.inbox });
  });
});

describe('one instance at a time', () => {
  it('skips the pass while another instance holds the lock, and runs once it is free', async () => {
    const user = await newUser(t);
    t.clock.advanceMinutes(25 * 60);
    const other = new Client({ connectionString: t.databaseUrl });
    await other.connect();
    try {
      // As an instance holds it: in a transaction (a session lock would not survive a pooler).
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1)', [DATA_PRUNING_LOCK_KEY]);
      const skipped = await pruning().runOnce();
      expect(skipped).toMatchObject({ ran: false, deleted: {} });
      expect(await count('SELECT count(*) AS n FROM sessions WHERE user_id = $1', [user.userId])).toBe(1);
      await other.query('ROLLBACK');
    } finally {
      await other.end();
    }
    expect((await pruning().runOnce()).ran).toBe(true);
    expect(await count('SELECT count(*) AS n FROM sessions WHERE user_id = $1', [user.userId])).toBe(0);
  });

  it('two instances started at once: each expired row is deleted exactly once and neither fails', async () => {
    const b = await startTestApp({ databaseUrl: t.databaseUrl, clock: t.clock, config: { dataPruneBatchSize: 2 } });
    try {
      const users = await Promise.all(Array.from({ length: 6 }, () => newUser(t)));
      t.clock.advanceMinutes(25 * 60);
      // A second call on one instance while its pass runs joins that pass instead of starting another.
      const [onA, onB, onBAgain] = await Promise.all([pruning().runOnce(), pruning(b).runOnce(), pruning(b).runOnce()]);
      expect(onBAgain).toBe(onB);
      const passes = [onA, onB];
      const deleted = passes.reduce((sum, p) => sum + (p.deleted.sessions ?? 0), 0);
      expect(deleted).toBe(6);
      const ran = passes.filter((p) => p.ran).sort((x, y) => x.heldFrom! - y.heldFrom!);
      expect(ran.length).toBeGreaterThanOrEqual(1);
      // If both got to run, the second started after the first let go.
      if (ran.length === 2) expect(ran[1].heldFrom!).toBeGreaterThanOrEqual(ran[0].heldUntil!);
      expect(await count('SELECT count(*) AS n FROM sessions WHERE user_id = ANY($1)', [users.map((u) => u.userId)])).toBe(0);
    } finally {
      await b.close();
    }
  });

  it('runs by itself every DATA_PRUNE_INTERVAL_SECONDS when configured', async () => {
    const timed = await t.restart({ dataPruneIntervalSeconds: 1 });
    try {
      const user = await newUser(timed);
      timed.clock.advanceMinutes(25 * 60);
      await vi.waitFor(async () => expect(await count('SELECT count(*) AS n FROM sessions WHERE user_id = $1', [user.userId])).toBe(0), {
        timeout: 5_000,
        interval: 200,
      });
    } finally {
      await timed.app.close();
    }
    t = await startTestApp({ databaseUrl: t.databaseUrl, clock: t.clock, inbox: t.inbox });
  });
});
