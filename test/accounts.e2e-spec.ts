import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changePassword,
  DEFAULT_PASSWORD,
  errorCode,
  login,
  logout,
  logoutEverywhere,
  me,
  mySecurityEvents,
  newUser,
  signUp,
  uniqueEmail,
} from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('signUp', () => {
  it('creates the account with a trimmed, lower-cased email and signs it in fully', async () => {
    const email = uniqueEmail('Mixed');
    const result = await signUp(t, { email: `  ${email.toUpperCase()} `, password: DEFAULT_PASSWORD, name: ' Ada ' });
    expect(result.errors).toBeUndefined();
    const payload = result.data!.signUp;
    expect(payload.status).toBe('AUTHENTICATED');
    expect(payload.accessToken).toMatch(/^ses_[A-Za-z0-9_-]{43}$/);
    expect(payload.trustedDeviceToken).toBeNull();
    expect(payload.user).toMatchObject({ email: email.toLowerCase(), name: 'Ada', twoFactorEnabled: false });
    expect(new Date(payload.expiresAt).getTime()).toBe(t.clock.now().getTime() + 24 * 3600 * 1000);
    const current = await me(t, payload.accessToken);
    expect(current.data!.me.email).toBe(email.toLowerCase());
  });

  it('refuses an email that is already taken, whatever its case', async () => {
    const { email } = await newUser(t);
    const again = await signUp(t, { email: email.toUpperCase(), password: DEFAULT_PASSWORD });
    expect(errorCode(again)).toBe('CONFLICT');
    expect(again.data).toBeNull();
  });

  it.each([
    ['a malformed email', { email: 'not-an-email', password: DEFAULT_PASSWORD }, 'email'],
    ['an email over 254 characters', { email: `${'a'.repeat(250)}@example.com`, password: DEFAULT_PASSWORD }, 'email'],
    ['a password under 10 characters', { email: uniqueEmail(), password: 'short' }, 'password'],
    ['a password over 128 characters', { email: uniqueEmail(), password: 'p'.repeat(129) }, 'password'],
    ['a 100 KB password', { email: uniqueEmail(), password: 'p'.repeat(100_000) }, 'password'],
    ['a name over 100 characters', { email: uniqueEmail(), password: DEFAULT_PASSWORD, name: 'n'.repeat(101) }, 'name'],
  ])('answers %s with BAD_USER_INPUT naming the field', async (_case, input, field) => {
    const result = await signUp(t, input);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions.fields.map((f: { field: string }) => f.field)).toContain(field);
  });

  it('answers wrong types and missing fields with BAD_USER_INPUT, not a server error', async () => {
    for (const input of [{ email: 42, password: DEFAULT_PASSWORD }, { email: uniqueEmail() }, null, 'text']) {
      const result = await signUp(t, input as never);
      expect(result.status).toBeLessThan(500);
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
    }
  });
});

describe('look-alike emails', () => {
  it('lets one account exist for an address, not four that look the same on screen', async () => {
    const domain = `${Date.now().toString(36)}.example.com`;
    const original = await signUp(t, { email: `jos\u00e9@${domain}`, password: DEFAULT_PASSWORD });
    expect(original.errors).toBeUndefined();

    // The same é as "e" + combining accent: one address once normalised (NFC), so it is taken.
    const decomposed = await signUp(t, { email: `jose\u0301@${domain}`, password: DEFAULT_PASSWORD });
    expect(errorCode(decomposed)).toBe('CONFLICT');
    // ...and it signs in to the original account.
    const signedIn = await login(t, { email: `jose\u0301@${domain}`, password: DEFAULT_PASSWORD });
    expect(signedIn.data!.login.user.id).toBe(original.data!.signUp.user.id);

    const invisible = await signUp(t, { email: `jos\u200b\u00e9@${domain}`, password: DEFAULT_PASSWORD });
    expect(errorCode(invisible)).toBe('BAD_USER_INPUT');
    expect(invisible.errors![0].extensions.fields).toEqual([{ field: 'email', message: expect.stringMatching(/invisible/) }]);

    const cyrillic = await signUp(t, { email: `j\u043es\u00e9@${domain}`, password: DEFAULT_PASSWORD });
    expect(errorCode(cyrillic)).toBe('BAD_USER_INPUT');
    expect(cyrillic.errors![0].message).toMatch(/different alphabets/);
  });
});

describe('login', () => {
  it('signs in with the right password and records where from', async () => {
    const user = await newUser(t);
    const result = await login(t, { email: user.email, password: user.password }, { 'User-Agent': 'E2E Browser/1.0' });
    expect(result.data!.login.status).toBe('AUTHENTICATED');
    const events = await mySecurityEvents(t, result.data!.login.accessToken);
    expect(events.data!.mySecurityEvents[0]).toMatchObject({ type: 'LOGIN_SUCCEEDED', userAgent: 'E2E Browser/1.0', user: { email: user.email } });
    expect(events.data!.mySecurityEvents[0].ipAddress).toMatch(/127\.0\.0\.1/);
  });

  it('gives the same INVALID_CREDENTIALS for a wrong password and an unknown email', async () => {
    const user = await newUser(t);
    const wrongPassword = await login(t, { email: user.email, password: 'not the password' });
    const unknownEmail = await login(t, { email: uniqueEmail('nobody'), password: 'not the password' });
    expect(errorCode(wrongPassword)).toBe('INVALID_CREDENTIALS');
    expect(errorCode(unknownEmail)).toBe('INVALID_CREDENTIALS');
    expect(wrongPassword.errors![0].message).toBe(unknownEmail.errors![0].message);
    const events = await mySecurityEvents(t, user.token);
    expect(events.data!.mySecurityEvents[0].type).toBe('LOGIN_FAILED');
  });

  it('refuses oversized input before it costs a password hash', async () => {
    const result = await login(t, { email: uniqueEmail(), password: 'x'.repeat(100_000) });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
  });
});

describe('the language of the last sign-in', () => {
  async function storedLanguage(userId: string): Promise<string | null> {
    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      return (await db.query('SELECT language FROM users WHERE id = $1', [userId])).rows[0].language;
    } finally {
      await db.end();
    }
  }

  it('is remembered from sign-up and each login, so mail sent on an admin\'s action speaks it', async () => {
    const email = uniqueEmail();
    const signedUp = await t.gql('mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }', { input: { email, password: DEFAULT_PASSWORD } }, undefined, { 'Accept-Language': 'ko-KR' });
    const userId = signedUp.data!.signUp.user.id as string;
    expect(await storedLanguage(userId)).toBe('ko');

    await login(t, { email, password: DEFAULT_PASSWORD }, { 'Accept-Language': 'en-US,en;q=0.9' });
    expect(await storedLanguage(userId)).toBe('en');

    // A client that names no language of ours leaves the last one as it was.
    await login(t, { email, password: DEFAULT_PASSWORD }, { 'Accept-Language': 'de-DE' });
    await login(t, { email, password: DEFAULT_PASSWORD });
    expect(await storedLanguage(userId)).toBe('en');
  });
});

describe('sessions', () => {
  it.each([
    ['no token', undefined],
    ['a garbage token', 'garbage'],
    ['a well-formed unknown token', `ses_${'A'.repeat(43)}`],
    ["an SQL injection attempt", "ses_' OR '1'='1"],
  ])('answers %s with UNAUTHENTICATED', async (_case, token) => {
    const result = await me(t, token);
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
    expect(result.data).toBeNull();
  });

  it('refuses a token sent in the query string or body instead of the header', async () => {
    const user = await newUser(t);
    const viaQuery = await t.http().post(`/graphql?access_token=${user.token}`).send({ query: '{ me { id } }' });
    expect(viaQuery.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const viaBody = await t.http().post('/graphql').send({ query: '{ me { id } }', access_token: user.token });
    expect(viaBody.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('ends a session when it expires', async () => {
    const user = await newUser(t);
    t.clock.advanceMinutes(24 * 60 + 1);
    try {
      expect(errorCode(await me(t, user.token))).toBe('UNAUTHENTICATED');
    } finally {
      t.clock.advanceMinutes(-(24 * 60 + 1));
    }
  });

  it('logout ends this session only', async () => {
    const user = await newUser(t);
    const other = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
    expect((await logout(t, user.token)).data!.logout).toBe(true);
    expect(errorCode(await me(t, user.token))).toBe('UNAUTHENTICATED');
    expect(errorCode(await logout(t, user.token))).toBe('UNAUTHENTICATED');
    expect((await me(t, other)).data!.me.email).toBe(user.email);
  });

  it('logoutEverywhere ends every session of the user and no one else\'s', async () => {
    const user = await newUser(t);
    const bystander = await newUser(t);
    const second = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
    expect((await logoutEverywhere(t, user.token)).data!.logoutEverywhere).toBe(true);
    expect(errorCode(await me(t, user.token))).toBe('UNAUTHENTICATED');
    expect(errorCode(await me(t, second))).toBe('UNAUTHENTICATED');
    expect((await me(t, bystander.token)).errors).toBeUndefined();
    const fresh = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
    const events = await mySecurityEvents(t, fresh);
    expect(events.data!.mySecurityEvents.map((e: { type: string }) => e.type)).toContain('LOGGED_OUT_EVERYWHERE');
  });
});

describe('changePassword', () => {
  it('needs the current password', async () => {
    const user = await newUser(t);
    const result = await changePassword(t, user.token, { currentPassword: 'wrong wrong wrong', newPassword: 'a brand new password' });
    expect(errorCode(result)).toBe('INVALID_CREDENTIALS');
    expect((await login(t, { email: user.email, password: user.password })).errors).toBeUndefined();
  });

  it('refuses a new password that is too short', async () => {
    const user = await newUser(t);
    const result = await changePassword(t, user.token, { currentPassword: user.password, newPassword: 'short' });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions.fields[0].field).toBe('newPassword');
  });

  it('switches the password, keeps this session and ends the others', async () => {
    const user = await newUser(t);
    const other = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
    const result = await changePassword(t, user.token, { currentPassword: user.password, newPassword: 'a brand new password' });
    expect(result.data!.changePassword).toBe(true);
    expect((await me(t, user.token)).errors).toBeUndefined();
    expect(errorCode(await me(t, other))).toBe('UNAUTHENTICATED');
    expect(errorCode(await login(t, { email: user.email, password: user.password }))).toBe('INVALID_CREDENTIALS');
    expect((await login(t, { email: user.email, password: 'a brand new password' })).errors).toBeUndefined();
    const events = await mySecurityEvents(t, user.token);
    expect(events.data!.mySecurityEvents.map((e: { type: string }) => e.type)).toContain('PASSWORD_CHANGED');
  });

  it('is protected', async () => {
    expect(errorCode(await changePassword(t, undefined, { currentPassword: 'x', newPassword: 'a brand new password' }))).toBe('UNAUTHENTICATED');
  });
});

describe('mySecurityEvents', () => {
  it('lists only the caller\'s events, newest first, limited by first', async () => {
    const user = await newUser(t);
    await login(t, { email: user.email, password: 'wrong password!' });
    await login(t, { email: user.email, password: user.password });
    const all = (await mySecurityEvents(t, user.token)).data!.mySecurityEvents;
    expect(all.map((e: { type: string }) => e.type)).toEqual(['LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'SIGNED_UP']);
    expect(all.every((e: { user: { id: string } }) => e.user.id === user.userId)).toBe(true);
    const newest = (await mySecurityEvents(t, user.token, 1)).data!.mySecurityEvents;
    expect(newest).toHaveLength(1);
    expect(newest[0].type).toBe('LOGIN_SUCCEEDED');
  });

  it('refuses a page size out of range', async () => {
    const user = await newUser(t);
    expect(errorCode(await mySecurityEvents(t, user.token, 0))).toBe('BAD_USER_INPUT');
    expect(errorCode(await mySecurityEvents(t, user.token, 10_000))).toBe('BAD_USER_INPUT');
  });

  it('is protected', async () => {
    expect(errorCode(await mySecurityEvents(t))).toBe('UNAUTHENTICATED');
  });
});

describe('a restart', () => {
  it('keeps sessions: they live in the database, not in the process', async () => {
    const user = await newUser(t);
    t = await t.restart();
    expect((await me(t, user.token)).data!.me.email).toBe(user.email);
  });
});
