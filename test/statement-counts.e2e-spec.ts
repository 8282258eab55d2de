import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';
import { newUserWithTwoFactor, totpCode, verifyLoginSecondFactor } from './support/two-factor';

/**
 * The SQL statements the hot operations send, counted on the pg client the app shares with this
 * test (START TRANSACTION and COMMIT count). Fewer round trips to PostgreSQL is throughput under load.
 */
let t: TestApp;
const statements: string[] = [];
const originalQuery = pg.Client.prototype.query;

/** What `operation` sent to PostgreSQL, in order. */
async function sqlOf(operation: () => Promise<unknown>): Promise<string[]> {
  statements.length = 0;
  await operation();
  return [...statements];
}

/** Enough of a statement to tell which it is when a count is wrong. */
const shortly = (sql: string) => sql.replace(/\s+/g, ' ').trim().slice(0, 100);

beforeAll(async () => {
  t = await startTestApp();
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const config = args[0] as string | { text: string };
    statements.push(typeof config === 'string' ? config : config.text);
    return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
});
afterAll(async () => {
  pg.Client.prototype.query = originalQuery;
  await t.close();
});

describe('SQL statements per operation', () => {
  it('login of a user with 2FA on, answered SECOND_FACTOR_REQUIRED', async () => {
    const user = await newUserWithTwoFactor(t);
    const sent = await sqlOf(async () => expect((await login(t, { email: user.email, password: user.password })).data!.login.status).toBe('SECOND_FACTOR_REQUIRED'));
    // Two attempts reserved, each with its lock looked for (the email from this client address, and
    // the email from every client: issue 20's third attack), the user, then one statement: the
    // session with its event, both attempts given back.
    expect(sent.map(shortly)).toHaveLength(6);
  });

  it('verifyLoginSecondFactor with a right TOTP code', async () => {
    const user = await newUserWithTwoFactor(t);
    const pending = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
    const sent = await sqlOf(async () => expect((await verifyLoginSecondFactor(t, pending, { code: totpCode(user.secret, t.clock) })).data!.verifyLoginSecondFactor.status).toBe('AUTHENTICATED'));
    // The session, whether an organization's phishing-resistant rule refuses app codes to this user,
    // the attempt reserved (and the lock looked for), the secret, then one statement that spends the
    // code, replaces the session with its event and gives the attempt back: no transaction around them.
    expect(sent.map(shortly)).toHaveLength(6);
    expect(sent.filter((sql) => /^\s*(START TRANSACTION|BEGIN|COMMIT)/i.test(sql))).toEqual([]);
  });
});
