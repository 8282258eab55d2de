import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { changePassword, DEFAULT_PASSWORD, errorCode, login, me, mySecurityEvents, newUser, signUp, uniqueEmail } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';
import { disableTwoFactor, enableTwoFactor, reissueRecoveryCodes, totpCode, verifyLoginSecondFactor, wrongCode } from './support/two-factor';

/**
 * The limits live in PostgreSQL through rate-limiter-flexible, which reads the wall clock: these tests
 * move it with fake Date timers instead of sleeping through a lockout.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  vi.useRealTimers();
});

function moveWallClockMinutes(minutes: number) {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + minutes * 60_000 });
}

describe('password guessing', () => {
  it('locks an email for 15 minutes after 10 wrong passwords, even for the right one', async () => {
    const user = await newUser(t);
    for (let i = 0; i < 10; i++) {
      expect(errorCode(await login(t, { email: user.email, password: `wrong password ${i}` }))).toBe('INVALID_CREDENTIALS');
    }
    const locked = await login(t, { email: user.email, password: user.password });
    expect(errorCode(locked)).toBe('TOO_MANY_ATTEMPTS');
    expect(locked.errors![0].extensions.retryAfterSeconds).toBeGreaterThan(890);
    expect(locked.errors![0].extensions.retryAfterSeconds).toBeLessThanOrEqual(900);
    expect(locked.errors![0].message).toMatch(/15 minutes/);

    const otherUser = await newUser(t);
    expect((await login(t, { email: otherUser.email, password: otherUser.password })).errors).toBeUndefined();

    moveWallClockMinutes(14);
    expect(errorCode(await login(t, { email: user.email, password: user.password }))).toBe('TOO_MANY_ATTEMPTS');
    moveWallClockMinutes(16);
    expect((await login(t, { email: user.email, password: user.password })).errors).toBeUndefined();
  });

  it('answers an unknown email the same way, so the lock reveals nothing', async () => {
    const nobody = uniqueEmail('nobody');
    for (let i = 0; i < 10; i++) {
      expect(errorCode(await login(t, { email: nobody, password: 'guess guess guess' }))).toBe('INVALID_CREDENTIALS');
    }
    expect(errorCode(await login(t, { email: nobody, password: 'guess guess guess' }))).toBe('TOO_MANY_ATTEMPTS');
  });

  it('lets no more than 10 guesses through a concurrent burst', async () => {
    const user = await newUser(t);
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => login(t, { email: user.email, password: `burst guess ${i}` })));
    expect(burst.filter((r) => errorCode(r) === 'INVALID_CREDENTIALS')).toHaveLength(10);
    expect(burst.filter((r) => errorCode(r) === 'TOO_MANY_ATTEMPTS')).toHaveLength(20);
  });

  it('forgets earlier failures after a successful sign-in', async () => {
    const user = await newUser(t);
    for (let i = 0; i < 9; i++) await login(t, { email: user.email, password: 'not it, not it' });
    expect((await login(t, { email: user.email, password: user.password })).errors).toBeUndefined();
    for (let i = 0; i < 9; i++) await login(t, { email: user.email, password: 'not it, not it' });
    expect((await login(t, { email: user.email, password: user.password })).errors).toBeUndefined();
  });
});

describe('password guessing inside a session (step-up checks)', () => {
  it('60 wrong passwords through reissueRecoveryCodes: 10 are checked, then even the right one waits out the lock', async () => {
    const user = await newUser(t);
    const { token } = await enableTwoFactor(t, user);
    const answers = [];
    for (let i = 0; i < 60; i++) answers.push(errorCode(await reissueRecoveryCodes(t, token, `stolen session guess ${i}`)));
    expect(answers.slice(0, 10)).toEqual(Array(10).fill('INVALID_CREDENTIALS'));
    expect(answers.slice(10)).toEqual(Array(50).fill('TOO_MANY_ATTEMPTS'));

    const right = await reissueRecoveryCodes(t, token, user.password);
    expect(errorCode(right)).toBe('TOO_MANY_ATTEMPTS');
    expect(right.errors![0].extensions.retryAfterSeconds).toBeGreaterThan(0);
    // The same limit as login: the account's sign-in is locked too.
    expect(errorCode(await login(t, { email: user.email, password: user.password }))).toBe('TOO_MANY_ATTEMPTS');

    const events = (await mySecurityEvents(t, token, 100)).data!.mySecurityEvents.map((e: { type: string }) => e.type);
    expect(events.filter((type: string) => type === 'PASSWORD_CHECK_FAILED')).toHaveLength(10);

    moveWallClockMinutes(16);
    expect((await reissueRecoveryCodes(t, token, user.password)).data!.reissueRecoveryCodes.codes).toHaveLength(10);
  });

  it.each([
    ['changePassword', (token: string, password: string) => changePassword(t, token, { currentPassword: password, newPassword: 'a brand new password' })],
    ['disableTwoFactor', (token: string, password: string) => disableTwoFactor(t, token, { password, code: '000000' })],
  ])('%s counts wrong passwords against the same limit', async (_operation, call) => {
    const user = await newUser(t);
    const { token } = await enableTwoFactor(t, user);
    for (let i = 0; i < 10; i++) expect(errorCode(await call(token, `guess number ${i}`))).toBe('INVALID_CREDENTIALS');
    expect(errorCode(await call(token, user.password))).toBe('TOO_MANY_ATTEMPTS');
  });

  it('a right password gives the points back, like a successful login', async () => {
    const user = await newUser(t);
    const { token } = await enableTwoFactor(t, user);
    for (let i = 0; i < 9; i++) await reissueRecoveryCodes(t, token, 'not it, not it');
    expect((await reissueRecoveryCodes(t, token, user.password)).errors).toBeUndefined();
    for (let i = 0; i < 9; i++) await reissueRecoveryCodes(t, token, 'not it, not it');
    expect((await login(t, { email: user.email, password: user.password })).errors).toBeUndefined();
  });
});

describe('repeated locks', () => {
  const lockOut = async (email: string) => {
    for (let i = 0; i < 10; i++) expect(errorCode(await login(t, { email, password: `wrong password ${i}` }))).toBe('INVALID_CREDENTIALS');
    const refused = await login(t, { email, password: 'one more guess' });
    expect(errorCode(refused)).toBe('TOO_MANY_ATTEMPTS');
    return refused.errors![0];
  };

  it('grow longer each time (15 minutes, 1 hour, 4 hours, 24 hours), and a sign-in starts the ladder again', async () => {
    const user = await newUser(t);
    const waits: number[] = [];
    for (const lockMinutes of [15, 60, 240, 1440, 1440]) {
      const refused = await lockOut(user.email);
      waits.push(refused.extensions.retryAfterSeconds as number);
      moveWallClockMinutes(lockMinutes - 1);
      expect(errorCode(await login(t, { email: user.email, password: user.password }))).toBe('TOO_MANY_ATTEMPTS');
      moveWallClockMinutes(2);
    }
    expect(waits.map((seconds) => Math.round(seconds / 60))).toEqual([15, 60, 240, 1440, 1440]);

    expect((await login(t, { email: user.email, password: user.password })).errors).toBeUndefined();
    const afterSuccess = await lockOut(user.email);
    expect(afterSuccess.extensions.retryAfterSeconds).toBeLessThanOrEqual(900);
    expect(afterSuccess.message).toMatch(/15 minutes/);
  });

  it('tell every refused request the wait of the lock, also those refused while the last guess is being checked', async () => {
    const user = await newUser(t);
    const { secret } = await enableTwoFactor(t, user);
    const pendingSession = async () => (await login(t, { email: user.email, password: user.password })).data!.login.accessToken as string;
    const wrong = wrongCode(totpCode(secret, t.clock));
    let pending = '';
    for (let i = 0; i < 9; i++) {
      if (i % 5 === 0) pending = await pendingSession();
      expect(errorCode(await verifyLoginSecondFactor(t, pending, { code: wrong }))).toBe('INVALID_CODE');
    }
    const sessions = await Promise.all(Array.from({ length: 8 }, pendingSession));
    const burst = await Promise.all(sessions.map((session) => verifyLoginSecondFactor(t, session, { code: wrong })));
    expect(burst.map(errorCode)).toEqual(Array(8).fill('TOO_MANY_ATTEMPTS'));
    for (const refused of burst) expect(refused.errors![0].extensions.retryAfterSeconds).toBeLessThanOrEqual(900);
  });

  it('do not count the right code sent again (a resubmit, or twice at once) as a wrong one, and leave nothing locked', async () => {
    const user = await newUser(t);
    const { secret } = await enableTwoFactor(t, user);
    const pendingSession = async () => {
      const answer = await login(t, { email: user.email, password: user.password });
      if (!answer.data?.login) throw new Error(`login refused: ${JSON.stringify(answer.errors)}`);
      return answer.data.login.accessToken as string;
    };
    for (let round = 0; round < 6; round++) {
      const code = totpCode(secret, t.clock);
      const [first, second] = await Promise.all([pendingSession(), pendingSession()]);
      const answers = await Promise.all([verifyLoginSecondFactor(t, first, { code }), verifyLoginSecondFactor(t, second, { code })]);
      expect(answers.filter((a) => !a.errors)).toHaveLength(1);
      expect(answers.filter((a) => errorCode(a) === 'INVALID_CODE')).toHaveLength(1);
      t.clock.advanceSeconds(30);
    }
    // Nine wrong codes, then the last attempt is an already-used right code, sent from eight sessions at once.
    const used = totpCode(secret, t.clock);
    expect((await verifyLoginSecondFactor(t, await pendingSession(), { code: used })).errors).toBeUndefined();
    let pending = '';
    for (let i = 0; i < 9; i++) {
      if (i % 5 === 0) pending = await pendingSession();
      expect(errorCode(await verifyLoginSecondFactor(t, pending, { code: wrongCode(used) }))).toBe('INVALID_CODE');
    }
    const sessions = await Promise.all(Array.from({ length: 8 }, pendingSession));
    const resubmits = await Promise.all(sessions.map((session) => verifyLoginSecondFactor(t, session, { code: used })));
    for (const answer of resubmits) {
      expect(['INVALID_CODE', 'TOO_MANY_ATTEMPTS']).toContain(errorCode(answer));
      if (errorCode(answer) === 'TOO_MANY_ATTEMPTS') expect(answer.errors![0].extensions.retryAfterSeconds).toBeLessThanOrEqual(900);
    }
    t.clock.advanceSeconds(30);
    expect((await verifyLoginSecondFactor(t, await pendingSession(), { code: totpCode(secret, t.clock) })).errors).toBeUndefined();
    expect(t.inbox.countTo(user.email, /paused/)).toBe(0);
  });
});

describe('second-factor guessing', () => {
  it('locks the account\'s second factor for 15 minutes after 10 wrong codes in a row, with a notice and an event', async () => {
    const user = await newUser(t);
    const { secret, token } = await enableTwoFactor(t, user);
    const wrong = wrongCode(totpCode(secret, t.clock));
    const results = [];
    // Two pending sessions: each ends after 5 wrong codes, the account count goes on.
    for (let session = 0; session < 2; session++) {
      const pending = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
      for (let i = 0; i < 5; i++) results.push(await verifyLoginSecondFactor(t, pending, { code: wrong }));
    }
    expect(results.slice(0, 9).every((r) => errorCode(r) === 'INVALID_CODE')).toBe(true);
    expect(errorCode(results[9])).toBe('TOO_MANY_ATTEMPTS');
    expect(results[9].errors![0].extensions.retryAfterSeconds).toBe(900);

    const pending = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
    const right = await verifyLoginSecondFactor(t, pending, { code: totpCode(secret, t.clock) });
    expect(errorCode(right)).toBe('TOO_MANY_ATTEMPTS');
    await t.inbox.waitFor(user.email, /paused/);
    const events = (await mySecurityEvents(t, token)).data!.mySecurityEvents.map((e: { type: string }) => e.type);
    expect(events).toContain('ACCOUNT_LOCKED');

    moveWallClockMinutes(16);
    expect((await verifyLoginSecondFactor(t, pending, { code: totpCode(secret, t.clock) })).errors).toBeUndefined();
  });

  it('counts wrong recovery codes too, and a success starts the count again', async () => {
    const user = await newUser(t);
    const { secret } = await enableTwoFactor(t, user);
    const guess = async (input: Record<string, unknown>) => {
      const pending = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
      return verifyLoginSecondFactor(t, pending, input);
    };
    for (let i = 0; i < 9; i++) expect(errorCode(await guess({ recoveryCode: 'zzzzz-zzzzz' }))).toBe('INVALID_CODE');
    expect((await guess({ code: totpCode(secret, t.clock) })).errors).toBeUndefined();
    for (let i = 0; i < 9; i++) expect(errorCode(await guess({ recoveryCode: 'zzzzz-zzzzz' }))).toBe('INVALID_CODE');
  });
});

describe('per-address limit on public operations', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp({ config: { ipRateLimitPerMinute: 5 } });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('throttles signUp and login from one address, and says when to retry', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await signUp(limited, { email: uniqueEmail(), password: DEFAULT_PASSWORD }));
    expect(answers.slice(0, 5).every((r) => !r.errors)).toBe(true);
    expect(errorCode(answers[5])).toBe('TOO_MANY_ATTEMPTS');
    expect(answers[5].errors![0].extensions.retryAfterSeconds).toBeGreaterThan(0);
    expect(errorCode(await login(limited, { email: uniqueEmail(), password: DEFAULT_PASSWORD }))).toBe('TOO_MANY_ATTEMPTS');
    // A signed-in user's own operations are not public, and not limited by it.
    expect((await me(limited, answers[0].data!.signUp.accessToken)).errors).toBeUndefined();
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is on', async () => {
    const spoofed = await login(limited, { email: uniqueEmail(), password: DEFAULT_PASSWORD }, { 'X-Forwarded-For': '203.0.113.9' });
    expect(errorCode(spoofed)).toBe('TOO_MANY_ATTEMPTS');
  });

  it('behind a trusted proxy, limits each client address on its own', async () => {
    const proxied = await startTestApp({ config: { ipRateLimitPerMinute: 2, trustProxy: 1 } });
    try {
      const from = (ip: string) => login(proxied, { email: uniqueEmail(), password: DEFAULT_PASSWORD }, { 'X-Forwarded-For': ip });
      expect(errorCode(await from('198.51.100.1'))).toBe('INVALID_CREDENTIALS');
      expect(errorCode(await from('198.51.100.1'))).toBe('INVALID_CREDENTIALS');
      expect(errorCode(await from('198.51.100.1'))).toBe('TOO_MANY_ATTEMPTS');
      expect(errorCode(await from('198.51.100.2'))).toBe('INVALID_CREDENTIALS');
    } finally {
      await proxied.close();
    }
  });
});
