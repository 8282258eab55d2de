import { Client, type QueryConfig } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataPruningService } from '../src/maintenance/data-pruning.service';
import { LegacyRecoveryCodesRekeyer } from '../src/recovery-codes/legacy-recovery-codes.rekeyer';
import { DEFAULT_PASSWORD, errorCode, login, me, newUser, signUp } from './support/operations';
import { myOrganizations, newOrganization } from './support/organizations';
import { createTestDatabase, startTestApp, type TestApp } from './support/test-app';

/**
 * Behind PgBouncer in transaction pooling, consecutive statements of one client connection may run
 * on different server connections: nothing may rely on state a session keeps between transactions.
 * Here every statement the app sends is recorded (on a direct connection too) and checked for the
 * three kinds we know: named prepared statements, session-level advisory locks and plain SET.
 * `npm run test:pgbouncer` runs the whole suite through a real PgBouncer.
 */
const sent: Array<{ text: string; name?: string }> = [];
const originalQuery = Client.prototype.query;

let t: TestApp;
beforeAll(async () => {
  Client.prototype.query = function (this: Client, config: unknown, ...rest: unknown[]) {
    if (typeof config === 'string') sent.push({ text: config });
    else if (config && typeof (config as QueryConfig).text === 'string') sent.push({ text: (config as QueryConfig).text, name: (config as QueryConfig).name });
    return (originalQuery as (...args: unknown[]) => unknown).call(this, config, ...rest);
  } as typeof Client.prototype.query;
  // Migrations go through the recorder too.
  t = await startTestApp({ databaseUrl: await createTestDatabase() });
});

afterAll(async () => {
  Client.prototype.query = originalQuery;
  await t.close();
});

describe('nothing depends on a session of its own (PgBouncer in transaction mode)', () => {
  it('sign-up, login, me, a wrong password, organizations, the jobs: no named statement, no session lock, no SET', async () => {
    const user = await newUser(t);
    expect(errorCode(await login(t, { email: user.email, password: 'not the password' }))).toBe('INVALID_CREDENTIALS');
    expect(errorCode(await signUp(t, { email: 'not an email', password: DEFAULT_PASSWORD }))).toBe('BAD_USER_INPUT');
    const signedIn = await login(t, { email: user.email, password: DEFAULT_PASSWORD });
    const token = signedIn.data!.login.accessToken as string;
    await Promise.all(Array.from({ length: 20 }, () => me(t, token)));
    await newOrganization(t, token);
    expect((await myOrganizations(t, token)).data!.myOrganizations).toHaveLength(1);
    expect((await t.app.get(DataPruningService).runOnce()).ran).toBe(true);
    expect((await t.app.get(LegacyRecoveryCodesRekeyer).runOnce()).ran).toBe(true);

    expect(sent.length).toBeGreaterThan(20);
    expect(sent.filter((statement) => statement.name)).toEqual([]);
    expect(sent.filter((statement) => /pg_(try_)?advisory_lock|pg_advisory_unlock/i.test(statement.text))).toEqual([]);
    expect(sent.filter((statement) => /^\s*SET\s+(?!LOCAL\b|TRANSACTION\b)/i.test(statement.text))).toEqual([]);
    expect(sent.some((statement) => /pg_try_advisory_xact_lock/.test(statement.text))).toBe(true);
  });
});
