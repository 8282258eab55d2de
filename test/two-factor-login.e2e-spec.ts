import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changePassword, errorCode, login, logout, logoutEverywhere, me, mySecurityEvents, newUser, type SignedIn } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';
import {
  confirmRecoveryCodesReissue,
  disableTwoFactor,
  type EnabledTwoFactor,
  enableTwoFactor,
  newUserWithTwoFactor,
  reissueRecoveryCodes,
  revokeTrustedDevice,
  totpCode,
  trustedDevices,
  twoFactorStatus,
  verifyLoginSecondFactor,
  wrongCode,
} from './support/two-factor';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const userWithTwoFactor = () => newUserWithTwoFactor(t);

async function pendingLogin(user: SignedIn, trustedDeviceToken?: string): Promise<string> {
  const result = await login(t, { email: user.email, password: user.password, trustedDeviceToken });
  return result.data!.login.accessToken;
}

const nextStep = () => t.clock.advanceSeconds(30);

describe('login with 2FA on', () => {
  it('asks for the second factor and opens nothing else until it is given', async () => {
    const user = await userWithTwoFactor();
    const result = await login(t, { email: user.email, password: user.password });
    expect(result.data!.login).toMatchObject({ status: 'SECOND_FACTOR_REQUIRED', trustedDeviceToken: null, trustedDeviceRejected: false });
    expect(new Date(result.data!.login.expiresAt).getTime()).toBe(t.clock.now().getTime() + 10 * 60_000);
    const pending = result.data!.login.accessToken;
    expect(errorCode(await me(t, pending))).toBe('SECOND_FACTOR_REQUIRED');
    expect(errorCode(await trustedDevices(t, pending))).toBe('SECOND_FACTOR_REQUIRED');
    expect(errorCode(await logoutEverywhere(t, pending))).toBe('SECOND_FACTOR_REQUIRED');
  });

  it('a code from the app gives a new full session and ends the pending one', async () => {
    const user = await userWithTwoFactor();
    const pending = await pendingLogin(user);
    const verified = await verifyLoginSecondFactor(t, pending, { code: totpCode(user.secret, t.clock) });
    expect(verified.errors).toBeUndefined();
    const full = verified.data!.verifyLoginSecondFactor;
    expect(full.status).toBe('AUTHENTICATED');
    expect(full.accessToken).not.toBe(pending);
    expect((await me(t, full.accessToken)).data!.me.email).toBe(user.email);
    expect(errorCode(await me(t, pending))).toBe('UNAUTHENTICATED');
    const events = (await mySecurityEvents(t, full.accessToken, 2)).data!.mySecurityEvents;
    expect(events.map((e: { type: string }) => e.type)).toEqual(['SECOND_FACTOR_SUCCEEDED', 'LOGIN_SUCCEEDED']);
  });

  it('accepts the codes of the steps next to the current one, for a phone clock a little off', async () => {
    const user = await userWithTwoFactor();
    const behind = totpCode(user.secret, t.clock);
    nextStep();
    expect((await verifyLoginSecondFactor(t, await pendingLogin(user), { code: behind })).errors).toBeUndefined();
  });

  it('refuses a code already used, even on another session', async () => {
    const user = await userWithTwoFactor();
    const code = totpCode(user.secret, t.clock);
    expect((await verifyLoginSecondFactor(t, await pendingLogin(user), { code })).errors).toBeUndefined();
    const replay = await verifyLoginSecondFactor(t, await pendingLogin(user), { code });
    expect(errorCode(replay)).toBe('INVALID_CODE');
    nextStep();
    const older = totpCode(user.secret, { epochSeconds: () => t.clock.epochSeconds() - 60 } as never);
    expect(errorCode(await verifyLoginSecondFactor(t, await pendingLogin(user), { code: older }))).toBe('INVALID_CODE');
  });

  it('ends the pending session after 5 wrong codes; the password is needed again', async () => {
    const user = await userWithTwoFactor();
    const pending = await pendingLogin(user);
    const wrong = wrongCode(totpCode(user.secret, t.clock));
    for (let left = 4; left >= 1; left--) {
      const attempt = await verifyLoginSecondFactor(t, pending, { code: wrong });
      expect(errorCode(attempt)).toBe('INVALID_CODE');
      expect(attempt.errors![0].extensions.attemptsRemaining).toBe(left);
    }
    const fifth = await verifyLoginSecondFactor(t, pending, { code: wrong });
    expect(fifth.errors![0].extensions.attemptsRemaining).toBe(0);
    expect(fifth.errors![0].message).toMatch(/sign in again/i);
    const right = await verifyLoginSecondFactor(t, pending, { code: totpCode(user.secret, t.clock) });
    expect(errorCode(right)).toBe('UNAUTHENTICATED');
    expect((await verifyLoginSecondFactor(t, await pendingLogin(user), { code: totpCode(user.secret, t.clock) })).errors).toBeUndefined();
  });

  it('lets a pending session live 10 minutes at most', async () => {
    const user = await userWithTwoFactor();
    const pending = await pendingLogin(user);
    t.clock.advanceMinutes(10);
    expect(errorCode(await verifyLoginSecondFactor(t, pending, { code: totpCode(user.secret, t.clock) }))).toBe('UNAUTHENTICATED');
  });

  it('takes exactly one of code and recoveryCode', async () => {
    const user = await userWithTwoFactor();
    const pending = await pendingLogin(user);
    const both = await verifyLoginSecondFactor(t, pending, { code: totpCode(user.secret, t.clock), recoveryCode: user.recoveryCodes[0] });
    expect(errorCode(both)).toBe('BAD_USER_INPUT');
    expect(errorCode(await verifyLoginSecondFactor(t, pending, {}))).toBe('BAD_USER_INPUT');
    expect(errorCode(await verifyLoginSecondFactor(t, pending, { code: 'x'.repeat(100_000) }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await verifyLoginSecondFactor(t, pending, { code: 123456 }))).toBe('BAD_USER_INPUT');
  });

  it('is refused for a session that is already full, and for no session', async () => {
    const user = await userWithTwoFactor();
    expect(errorCode(await verifyLoginSecondFactor(t, user.token, { code: totpCode(user.secret, t.clock) }))).toBe('FAILED_PRECONDITION');
    expect(errorCode(await verifyLoginSecondFactor(t, undefined, { code: '123456' }))).toBe('UNAUTHENTICATED');
  });

  it('logout works on a pending session', async () => {
    const user = await userWithTwoFactor();
    const pending = await pendingLogin(user);
    expect((await logout(t, pending)).data!.logout).toBe(true);
    expect(errorCode(await verifyLoginSecondFactor(t, pending, { code: totpCode(user.secret, t.clock) }))).toBe('UNAUTHENTICATED');
  });
});

describe('recovery codes', () => {
  it('sign in once each, in any case and with or without the dash, and tell the user', async () => {
    const user = await userWithTwoFactor();
    const [first, second, third] = user.recoveryCodes;
    for (const typed of [first, second.replace('-', '').toUpperCase(), ` ${third} `]) {
      const result = await verifyLoginSecondFactor(t, await pendingLogin(user), { recoveryCode: typed });
      expect(result.errors).toBeUndefined();
    }
    const reused = await verifyLoginSecondFactor(t, await pendingLogin(user), { recoveryCode: first });
    expect(errorCode(reused)).toBe('INVALID_CODE');
    const full = (await verifyLoginSecondFactor(t, await pendingLogin(user), { code: totpCode(user.secret, t.clock) })).data!.verifyLoginSecondFactor.accessToken;
    expect((await twoFactorStatus(t, full)).data!.twoFactorStatus.recoveryCodesRemaining).toBe(7);
    const notice = await t.inbox.waitFor(user.email, /recovery code was used/);
    expect(notice.text).toMatch(/\d+ recovery codes remain/);
    const events = (await mySecurityEvents(t, full)).data!.mySecurityEvents.map((e: { type: string }) => e.type);
    expect(events.filter((type: string) => type === 'RECOVERY_CODE_USED')).toHaveLength(3);
  });

  it('warns when three or fewer remain', async () => {
    const user = await userWithTwoFactor();
    for (const code of user.recoveryCodes.slice(0, 7)) {
      expect((await verifyLoginSecondFactor(t, await pendingLogin(user), { recoveryCode: code })).errors).toBeUndefined();
    }
    const lastNotice = await t.inbox.waitFor(user.email, /recovery code was used/, 0, /3 recovery codes remain/);
    expect(lastNotice.text).toMatch(/running out/);
    const earlier = await t.inbox.waitFor(user.email, /recovery code was used/, 0, /5 recovery codes remain/);
    expect(earlier.text).not.toMatch(/running out/);
    const full = (await verifyLoginSecondFactor(t, await pendingLogin(user), { code: totpCode(user.secret, t.clock) })).data!.verifyLoginSecondFactor.accessToken;
    expect((await twoFactorStatus(t, full)).data!.twoFactorStatus.recoveryCodesRemaining).toBe(3);
  });

  it('reissue needs the password; the old set works until the new one is confirmed, then only the new one', async () => {
    const user = await userWithTwoFactor();
    expect(errorCode(await reissueRecoveryCodes(t, user.token, 'not my password'))).toBe('INVALID_CREDENTIALS');
    const reissued = await reissueRecoveryCodes(t, user.token, user.password);
    const fresh: string[] = reissued.data!.reissueRecoveryCodes.codes;
    expect(fresh).toHaveLength(10);
    expect(fresh.some((code) => user.recoveryCodes.includes(code))).toBe(false);

    // Before confirmation: old codes work, new ones do not.
    expect((await verifyLoginSecondFactor(t, await pendingLogin(user), { recoveryCode: user.recoveryCodes[0] })).errors).toBeUndefined();
    expect(errorCode(await verifyLoginSecondFactor(t, await pendingLogin(user), { recoveryCode: fresh[0] }))).toBe('INVALID_CODE');

    expect(errorCode(await confirmRecoveryCodesReissue(t, user.token, false))).toBe('BAD_USER_INPUT');
    const confirmed = await confirmRecoveryCodesReissue(t, user.token, true);
    expect(confirmed.data!.confirmRecoveryCodesReissue).toMatchObject({ enabled: true, recoveryCodesRemaining: 10 });
    await t.inbox.waitFor(user.email, /New recovery codes/);

    // After: only the new set.
    expect(errorCode(await verifyLoginSecondFactor(t, await pendingLogin(user), { recoveryCode: user.recoveryCodes[1] }))).toBe('INVALID_CODE');
    expect((await verifyLoginSecondFactor(t, await pendingLogin(user), { recoveryCode: fresh[1] })).errors).toBeUndefined();
    expect(errorCode(await confirmRecoveryCodesReissue(t, user.token, true))).toBe('FAILED_PRECONDITION');
  });

  it('reissue is refused without 2FA', async () => {
    const user = await newUser(t);
    expect(errorCode(await reissueRecoveryCodes(t, user.token, user.password))).toBe('FAILED_PRECONDITION');
  });
});

describe('one code, many requests at once', () => {
  it('a TOTP code used by many pending sessions concurrently succeeds exactly once', async () => {
    const user = await userWithTwoFactor();
    const sessions = await Promise.all(Array.from({ length: 8 }, () => pendingLogin(user)));
    const code = totpCode(user.secret, t.clock);
    const results = await Promise.all(sessions.map((session) => verifyLoginSecondFactor(t, session, { code })));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => errorCode(r) === 'INVALID_CODE')).toHaveLength(7);
  });

  it('a recovery code used by many pending sessions concurrently succeeds exactly once', async () => {
    const user = await userWithTwoFactor();
    const sessions = await Promise.all(Array.from({ length: 8 }, () => pendingLogin(user)));
    const results = await Promise.all(sessions.map((session) => verifyLoginSecondFactor(t, session, { recoveryCode: user.recoveryCodes[4] })));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
  });

  it('one pending session verified by many requests at once becomes one full session', async () => {
    const user = await userWithTwoFactor();
    const pending = await pendingLogin(user);
    const codes = user.recoveryCodes.slice(0, 6);
    const results = await Promise.all(codes.map((recoveryCode) => verifyLoginSecondFactor(t, pending, { recoveryCode })));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => errorCode(r) === 'UNAUTHENTICATED')).toHaveLength(5);
    const full = results.find((r) => !r.errors)!.data!.verifyLoginSecondFactor.accessToken;
    // The losing requests rolled back: their recovery codes were not spent.
    expect((await twoFactorStatus(t, full)).data!.twoFactorStatus.recoveryCodesRemaining).toBe(9);
  });
});

describe('trusted devices', () => {
  async function rememberedDevice(user: SignedIn & EnabledTwoFactor): Promise<{ deviceToken: string; full: string }> {
    const result = await verifyLoginSecondFactor(t, await pendingLogin(user), { code: totpCode(user.secret, t.clock), rememberDevice: true }, { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0' });
    nextStep();
    const payload = result.data!.verifyLoginSecondFactor;
    expect(payload.trustedDeviceToken).toMatch(/^dev_/);
    return { deviceToken: payload.trustedDeviceToken, full: payload.accessToken };
  }

  it('skip the second factor at login for 30 days, and say so by mail', async () => {
    const user = await userWithTwoFactor();
    const { deviceToken, full } = await rememberedDevice(user);
    await t.inbox.waitFor(user.email, /new device/i);
    const devices = (await trustedDevices(t, full)).data!.trustedDevices;
    expect(devices).toHaveLength(1);
    expect(devices[0].name).toBe('Firefox on Linux');
    expect(new Date(devices[0].expiresAt).getTime()).toBe(new Date(devices[0].createdAt).getTime() + 30 * 86400_000);
    const skipped = await login(t, { email: user.email, password: user.password, trustedDeviceToken: deviceToken });
    expect(skipped.data!.login).toMatchObject({ status: 'AUTHENTICATED', trustedDeviceRejected: false });
    expect((await trustedDevices(t, full)).data!.trustedDevices[0].lastUsedAt).not.toBeNull();
    t.clock.advanceMinutes(30 * 24 * 60);
    const expired = await login(t, { email: user.email, password: user.password, trustedDeviceToken: deviceToken });
    // The browser is told to forget the token rather than send it forever.
    expect(expired.data!.login).toMatchObject({ status: 'SECOND_FACTOR_REQUIRED', trustedDeviceRejected: true });
  });

  it('a device token of another user, or a garbage one, does not skip anything', async () => {
    const owner = await userWithTwoFactor();
    const other = await userWithTwoFactor();
    const { deviceToken } = await rememberedDevice(owner);
    for (const token of [deviceToken, 'dev_garbage', 'x'.repeat(100)]) {
      const refused = await login(t, { email: other.email, password: other.password, trustedDeviceToken: token });
      expect(refused.data!.login).toMatchObject({ status: 'SECOND_FACTOR_REQUIRED', trustedDeviceRejected: true });
    }
    expect(errorCode(await login(t, { email: other.email, password: other.password, trustedDeviceToken: 'x'.repeat(101) }))).toBe('BAD_USER_INPUT');
  });

  it('can be revoked one by one, but not another user\'s', async () => {
    const user = await userWithTwoFactor();
    const other = await userWithTwoFactor();
    const { deviceToken, full } = await rememberedDevice(user);
    const [device] = (await trustedDevices(t, full)).data!.trustedDevices;
    expect(errorCode(await revokeTrustedDevice(t, other.token, device.id))).toBe('NOT_FOUND');
    expect(errorCode(await revokeTrustedDevice(t, full, '00000000-0000-4000-8000-000000000000'))).toBe('NOT_FOUND');
    expect((await revokeTrustedDevice(t, full, device.id)).data!.revokeTrustedDevice).toBe(true);
    expect(errorCode(await revokeTrustedDevice(t, full, device.id))).toBe('NOT_FOUND');
    expect((await trustedDevices(t, full)).data!.trustedDevices).toEqual([]);
    const revoked = await login(t, { email: user.email, password: user.password, trustedDeviceToken: deviceToken });
    expect(revoked.data!.login).toMatchObject({ status: 'SECOND_FACTOR_REQUIRED', trustedDeviceRejected: true });
  });

  it.each([
    ['logoutEverywhere', async (user: SignedIn & EnabledTwoFactor, full: string) => logoutEverywhere(t, full)],
    ['changePassword', async (user: SignedIn & EnabledTwoFactor, full: string) => {
      await changePassword(t, full, { currentPassword: user.password, newPassword: 'another long password' });
      user.password = 'another long password';
    }],
    ['disableTwoFactor', async (user: SignedIn & EnabledTwoFactor, full: string) => disableTwoFactor(t, full, { password: user.password, code: totpCode(user.secret, t.clock) })],
  ])('all end on %s', async (_event, end) => {
    const user = await userWithTwoFactor();
    const { deviceToken, full } = await rememberedDevice(user);
    await end(user, full);
    nextStep();
    const next = await login(t, { email: user.email, password: user.password, trustedDeviceToken: deviceToken });
    const token = next.data!.login.accessToken;
    if (next.data!.login.status === 'SECOND_FACTOR_REQUIRED') {
      const verified = await verifyLoginSecondFactor(t, token, { code: totpCode(user.secret, t.clock) });
      expect((await trustedDevices(t, verified.data!.verifyLoginSecondFactor.accessToken)).data!.trustedDevices).toEqual([]);
    } else {
      // 2FA was disabled: the device token is gone along with it, and the browser is told to forget it.
      expect(next.data!.login.trustedDeviceRejected).toBe(true);
      expect((await trustedDevices(t, token)).data!.trustedDevices).toEqual([]);
    }
  });
});

describe('disabling 2FA', () => {
  it.each(['code', 'recoveryCode'] as const)('works with the password and a %s, and removes everything', async (kind) => {
    const user = await userWithTwoFactor();
    const input = { password: user.password, [kind]: kind === 'code' ? totpCode(user.secret, t.clock) : user.recoveryCodes[9] };
    const result = await disableTwoFactor(t, user.token, input);
    expect(result.data!.disableTwoFactor).toMatchObject({ enabled: false, enabledAt: null, recoveryCodesRemaining: 0, setupStep: null });
    await t.inbox.waitFor(user.email, /2-step verification is off/);
    nextStep();
    expect((await login(t, { email: user.email, password: user.password })).data!.login.status).toBe('AUTHENTICATED');
    const events = (await mySecurityEvents(t, user.token, 1)).data!.mySecurityEvents;
    expect(events[0].type).toBe('LOGIN_SUCCEEDED');
  });

  it('refuses a wrong password, a wrong or used code, and both or neither code', async () => {
    const user = await userWithTwoFactor();
    const code = totpCode(user.secret, t.clock);
    expect(errorCode(await disableTwoFactor(t, user.token, { password: 'wrong password!', code }))).toBe('INVALID_CREDENTIALS');
    expect(errorCode(await disableTwoFactor(t, user.token, { password: user.password, code: wrongCode(code) }))).toBe('INVALID_CODE');
    expect(errorCode(await disableTwoFactor(t, user.token, { password: user.password, recoveryCode: 'zzzzz-zzzzz' }))).toBe('INVALID_CODE');
    expect(errorCode(await disableTwoFactor(t, user.token, { password: user.password, code, recoveryCode: user.recoveryCodes[0] }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await disableTwoFactor(t, user.token, { password: user.password }))).toBe('BAD_USER_INPUT');
    expect((await twoFactorStatus(t, user.token)).data!.twoFactorStatus.enabled).toBe(true);
    // The confirming code's step was spent at setup; a code from it is a replay.
    expect(errorCode(await disableTwoFactor(t, user.token, { password: user.password, code: totpCode(user.secret, { epochSeconds: () => t.clock.epochSeconds() - 30 } as never) }))).toBe('INVALID_CODE');
  });

  it('is refused when 2FA is off', async () => {
    const user = await newUser(t);
    expect(errorCode(await disableTwoFactor(t, user.token, { password: user.password, code: '123456' }))).toBe('FAILED_PRECONDITION');
  });
});

describe('a restart with the same ENCRYPTION_KEY', () => {
  it('keeps 2FA working', async () => {
    const user = await userWithTwoFactor();
    t = await t.restart();
    const verified = await verifyLoginSecondFactor(t, await pendingLogin(user), { code: totpCode(user.secret, t.clock) });
    expect(verified.data!.verifyLoginSecondFactor.status).toBe('AUTHENTICATED');
  });
});
