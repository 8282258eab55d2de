import { Client } from 'pg';
import { DataPruningService } from '../src/maintenance/data-pruning.service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, login, me, mySecurityEvents, newUser } from './support/operations';
import {
  addPasskey,
  finishPasskeyRegistration,
  listPasskeys,
  pendingWithOptions,
  removePasskey,
  renamePasskey,
  signInWithPasskey,
  startPasskeyRegistration,
  startPasskeySecondFactor,
} from './support/passkeys';
import { SoftwareAuthenticator } from './support/software-authenticator';
import { startTestApp, type TestApp } from './support/test-app';
import { disableTwoFactor, enableTwoFactor, totpCode, twoFactorStatus, verifyLoginSecondFactor } from './support/two-factor';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

async function userWithPasskey(name?: string) {
  const user = await newUser(t);
  const enabled = await enableTwoFactor(t, user);
  const passkey = await addPasskey(t, user, enabled.token, name);
  return { user, ...enabled, ...passkey };
}

function expectRefused(result: { status: number; errors?: unknown }, code = 'INVALID_CODE') {
  expect(result.status).toBe(200);
  expect(errorCode(result as never)).toBe(code);
}

describe('registering a passkey', () => {
  it('needs 2FA on and the password again, and hands out options for this site without the user\'s keys', async () => {
    const user = await newUser(t);
    expect(errorCode(await startPasskeyRegistration(t, user.token, user.password))).toBe('FAILED_PRECONDITION');
    const { token } = await enableTwoFactor(t, user);
    expect(errorCode(await startPasskeyRegistration(t, token, 'not the password'))).toBe('INVALID_CREDENTIALS');

    const first = await addPasskey(t, user, token, 'MacBook Touch ID');
    const options = JSON.parse((await startPasskeyRegistration(t, token, user.password)).data!.startPasskeyRegistration);
    expect(options.rp).toEqual({ id: 'localhost', name: t.config.totpIssuer });
    expect(options.attestation).toBe('none');
    expect(options.authenticatorSelection).toMatchObject({ userVerification: 'preferred', residentKey: 'required' });
    expect(options.excludeCredentials.map((c: { id: string }) => c.id)).toEqual([JSON.parse(first.authenticator.register(JSON.stringify({ challenge: 'x', rp: { id: 'localhost' } }))).id]);

    const listed = (await listPasskeys(t, token)).data!.passkeys;
    expect(listed).toEqual([expect.objectContaining({ id: first.id, name: 'MacBook Touch ID', lastUsedAt: null, backedUp: false })]);
    expect((await twoFactorStatus(t, token)).errors).toBeUndefined();
    expect((await t.gql('{ twoFactorStatus { passkeyCount } }', {}, token)).data!.twoFactorStatus.passkeyCount).toBe(1);
    await t.inbox.waitFor(user.email, /passkey was added/i, 0, /MacBook Touch ID/);
    const events = (await mySecurityEvents(t, token)).data!.mySecurityEvents.map((e: { type: string }) => e.type);
    expect(events).toContain('PASSKEY_ADDED');
  });

  it('refuses a registration challenge used twice', async () => {
    const user = await newUser(t);
    const { token } = await enableTwoFactor(t, user);
    const options = (await startPasskeyRegistration(t, token, user.password)).data!.startPasskeyRegistration;
    const first = new SoftwareAuthenticator(t.config.publicUrl);
    expect((await finishPasskeyRegistration(t, token, { name: 'one', response: first.register(options) })).errors).toBeUndefined();
    const second = new SoftwareAuthenticator(t.config.publicUrl);
    expectRefused(await finishPasskeyRegistration(t, token, { name: 'two', response: second.register(options) }));
    expect((await listPasskeys(t, token)).data!.passkeys).toHaveLength(1);
  });

  it('saves one passkey when several answers to one registration challenge arrive at once', async () => {
    const user = await newUser(t);
    const { token } = await enableTwoFactor(t, user);
    const options = (await startPasskeyRegistration(t, token, user.password)).data!.startPasskeyRegistration;
    const answers = Array.from({ length: 6 }, (_, i) => ({ name: `key ${i}`, response: new SoftwareAuthenticator(t.config.publicUrl).register(options) }));
    const results = await Promise.all(answers.map((answer) => finishPasskeyRegistration(t, token, answer)));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => r.errors).map((r) => errorCode(r))).toEqual(Array(5).fill('INVALID_CODE'));
    expect((await listPasskeys(t, token)).data!.passkeys).toHaveLength(1);
  });

  it('refuses a registration from another origin or for another rp id', async () => {
    const user = await newUser(t);
    const { token } = await enableTwoFactor(t, user);
    for (const override of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }]) {
      const options = (await startPasskeyRegistration(t, token, user.password)).data!.startPasskeyRegistration;
      const response = new SoftwareAuthenticator(t.config.publicUrl).register(options, override);
      expectRefused(await finishPasskeyRegistration(t, token, { name: 'phished', response }));
    }
    expect((await listPasskeys(t, token)).data!.passkeys).toEqual([]);
  });

  it('refuses malformed or oversized JSON as BAD_USER_INPUT', async () => {
    const user = await newUser(t);
    const { token } = await enableTwoFactor(t, user);
    expectRefused(await finishPasskeyRegistration(t, token, { name: 'x', response: '{not json' }), 'BAD_USER_INPUT');
    expectRefused(await finishPasskeyRegistration(t, token, { name: 'x', response: JSON.stringify({ a: 'x'.repeat(20_000) }) }), 'BAD_USER_INPUT');
  });
});

describe('signing in with a passkey', () => {
  it('raises the pending session like a TOTP code: new token, the old one ends, the passkey marked used', async () => {
    const { user, authenticator } = await userWithPasskey();
    const { pending, options } = await pendingWithOptions(t, user);
    expect(JSON.parse(options).rpId).toBe('localhost');
    const signedIn = await signInWithPasskey(t, pending, authenticator.authenticate(options), true);
    expect(signedIn.errors).toBeUndefined();
    const payload = signedIn.data!.verifyLoginSecondFactor;
    expect(payload.status).toBe('AUTHENTICATED');
    expect(payload.accessToken).not.toBe(pending);
    expect(payload.trustedDeviceToken).toEqual(expect.any(String));
    expect(errorCode(await me(t, pending))).toBe('UNAUTHENTICATED');
    const [passkey] = (await listPasskeys(t, payload.accessToken)).data!.passkeys;
    expect(passkey.lastUsedAt).not.toBeNull();
  });

  it('refuses a replayed assertion', async () => {
    const { user, authenticator } = await userWithPasskey();
    const { pending, options } = await pendingWithOptions(t, user);
    const answer = authenticator.authenticate(options);
    expect((await signInWithPasskey(t, pending, answer)).errors).toBeUndefined();
    const second = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
    expectRefused(await signInWithPasskey(t, second, answer));
  });

  it("refuses an assertion for another session's challenge", async () => {
    const { user, authenticator } = await userWithPasskey();
    const victim = await pendingWithOptions(t, user);
    const attacker = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
    expectRefused(await signInWithPasskey(t, attacker, authenticator.authenticate(victim.options)));
    // Not spent by the attacker: the session it belongs to can still use it.
    expect((await signInWithPasskey(t, victim.pending, authenticator.authenticate(victim.options))).errors).toBeUndefined();
  });

  it('refuses an assertion made for another origin or another rp id, and spends the challenge', async () => {
    const { user, authenticator } = await userWithPasskey();
    for (const override of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }]) {
      const { pending, options } = await pendingWithOptions(t, user);
      expectRefused(await signInWithPasskey(t, pending, authenticator.authenticate(options, override)));
      expectRefused(await signInWithPasskey(t, pending, authenticator.authenticate(options)));
    }
  });

  it('refuses a counter that did not rise (a cloned key), and accepts a synced passkey that always says 0', async () => {
    const { user, authenticator } = await userWithPasskey();
    let { pending, options } = await pendingWithOptions(t, user);
    expect((await signInWithPasskey(t, pending, authenticator.authenticate(options, { counter: 5 }))).errors).toBeUndefined();
    ({ pending, options } = await pendingWithOptions(t, user));
    expectRefused(await signInWithPasskey(t, pending, authenticator.authenticate(options, { counter: 5 })));
    ({ pending, options } = await pendingWithOptions(t, user));
    expectRefused(await signInWithPasskey(t, pending, authenticator.authenticate(options, { counter: 3 })));

    const synced = await userWithPasskey();
    synced.authenticator.alwaysZeroCounter = true;
    for (let i = 0; i < 2; i++) {
      const again = await pendingWithOptions(t, synced.user);
      expect((await signInWithPasskey(t, again.pending, synced.authenticator.authenticate(again.options))).errors).toBeUndefined();
    }
  });

  it('refuses an answer after its 5 minutes', async () => {
    const { user, authenticator } = await userWithPasskey();
    const { pending, options } = await pendingWithOptions(t, user);
    t.clock.advanceSeconds(5 * 60 + 1);
    expectRefused(await signInWithPasskey(t, pending, authenticator.authenticate(options)));
  });

  it('leaves expired challenges to the data-pruning job, which keeps a live one answerable', async () => {
    const { user, authenticator } = await userWithPasskey();
    await pendingWithOptions(t, user);
    t.clock.advanceMinutes(6);
    const live = await pendingWithOptions(t, user);
    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      const challenges = async () => Number((await db.query('SELECT count(*) AS n FROM webauthn_challenges WHERE user_id = $1', [user.userId])).rows[0].n);
      expect(await challenges()).toBe(2);
      const pass = await t.app.get(DataPruningService).runOnce();
      expect(pass.deleted['WebAuthn challenges']).toBeGreaterThanOrEqual(1);
      expect(await challenges()).toBe(1);
    } finally {
      await db.end();
    }
    expect((await signInWithPasskey(t, live.pending, authenticator.authenticate(live.options))).errors).toBeUndefined();
  });

  it('keeps one challenge per pending session: asking again voids the earlier options', async () => {
    const { user, authenticator } = await userWithPasskey();
    const { pending, options: first } = await pendingWithOptions(t, user);
    let latest = first;
    for (let i = 0; i < 20; i++) latest = (await startPasskeySecondFactor(t, pending)).data!.startPasskeySecondFactor;
    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT count(*) AS n FROM webauthn_challenges WHERE user_id = $1', [user.userId]);
      expect(Number(rows[0].n)).toBe(1);
    } finally {
      await db.end();
    }
    expectRefused(await signInWithPasskey(t, pending, authenticator.authenticate(first)));
    expect((await signInWithPasskey(t, pending, authenticator.authenticate(latest))).errors).toBeUndefined();
  });

  it('lets one of many concurrent answers to one challenge through', async () => {
    const { user, authenticator } = await userWithPasskey();
    const { pending, options } = await pendingWithOptions(t, user);
    const answer = authenticator.authenticate(options);
    const results = await Promise.all(Array.from({ length: 6 }, () => signInWithPasskey(t, pending, answer)));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.every((r) => r.status === 200)).toBe(true);
  });

  it('counts wrong answers like wrong codes: the fifth ends the pending sign-in', async () => {
    const { user, authenticator } = await userWithPasskey();
    const { pending } = await pendingWithOptions(t, user);
    const remaining = [];
    for (let i = 0; i < 5; i++) {
      const options = (await startPasskeySecondFactor(t, pending)).data!.startPasskeySecondFactor;
      const phished = authenticator.authenticate(options, { origin: 'https://phish.example' });
      remaining.push((await signInWithPasskey(t, pending, phished)).errors![0].extensions.attemptsRemaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    expect(errorCode(await startPasskeySecondFactor(t, pending))).toBe('UNAUTHENTICATED');
  });

  it('refuses malformed JSON as BAD_USER_INPUT, and more than one factor', async () => {
    const { user, secret } = await userWithPasskey();
    const { pending } = await pendingWithOptions(t, user);
    expectRefused(await signInWithPasskey(t, pending, '[1,2'), 'BAD_USER_INPUT');
    expectRefused(await verifyLoginSecondFactor(t, pending, { passkeyResponse: '{}', code: totpCode(secret, t.clock) }), 'BAD_USER_INPUT');
  });

  it('is not offered to a user without passkeys', async () => {
    const user = await newUser(t);
    await enableTwoFactor(t, user);
    const pending = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
    expect(errorCode(await startPasskeySecondFactor(t, pending))).toBe('FAILED_PRECONDITION');
  });
});

describe('managing passkeys', () => {
  it('renames, and removes with the password, with a mail and an event', async () => {
    const { user, token, id } = await userWithPasskey('Old name');
    const renamed = await renamePasskey(t, token, id, '  YubiKey 5C  ');
    expect(renamed.errors).toBeUndefined();
    expect(renamed.data!.renamePasskey.name).toBe('YubiKey 5C');
    expect(errorCode(await removePasskey(t, token, id, 'wrong password'))).toBe('INVALID_CREDENTIALS');
    const other = await newUser(t);
    const otherToken = (await enableTwoFactor(t, other)).token;
    expect(errorCode(await removePasskey(t, otherToken, id, other.password))).toBe('NOT_FOUND');
    expect((await removePasskey(t, token, id, user.password)).data!.removePasskey).toBe(true);
    expect((await listPasskeys(t, token)).data!.passkeys).toEqual([]);
    await t.inbox.waitFor(user.email, /passkey was removed/i, 0, /YubiKey 5C/);
    const events = (await mySecurityEvents(t, token)).data!.mySecurityEvents.map((e: { type: string }) => e.type);
    expect(events).toContain('PASSKEY_REMOVED');
  });

  it('a removed passkey no longer signs in', async () => {
    const { user, token, id, authenticator } = await userWithPasskey();
    await addPasskey(t, user, token, 'Second');
    const { pending, options } = await pendingWithOptions(t, user);
    await removePasskey(t, token, id, user.password);
    expectRefused(await signInWithPasskey(t, pending, authenticator.authenticate(options)));
  });

  it('disabling 2FA removes the passkeys', async () => {
    const { user, token, secret } = await userWithPasskey();
    const disabled = await disableTwoFactor(t, token, { password: user.password, code: totpCode(secret, t.clock) });
    expect(disabled.errors).toBeUndefined();
    expect((await listPasskeys(t, token)).data!.passkeys).toEqual([]);
    expect((await t.gql('{ twoFactorStatus { passkeyCount } }', {}, token)).data!.twoFactorStatus.passkeyCount).toBe(0);
  });
});

