import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/auth/utils/password-hasher';
import { changePassword, DEFAULT_PASSWORD, errorCode, login, me, mySecurityEvents, newUser, signUp, uniqueEmail } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';
import {
  confirmRecoveryCodesReissue,
  ENROLLMENT_FIELDS,
  newUserWithTwoFactor,
  reissueRecoveryCodes,
  STATUS_FIELDS,
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

const requestPasswordReset = (email: string) => t.gql('mutation($email: String!) { requestPasswordReset(email: $email) }', { email });
const resetPassword = (token: string, newPassword: string) =>
  t.gql('mutation($input: ResetPasswordInput!) { resetPassword(input: $input) }', { input: { token, newPassword } });

async function mailedResetToken(email: string): Promise<string> {
  const after = t.inbox.messages.length;
  await requestPasswordReset(email);
  const mail = await t.inbox.waitFor(email, /Reset your password/, after);
  return new URL(/(\S+\/reset-password\?token=\S+)/.exec(mail.text)![1]).searchParams.get('token')!;
}

/** The one field problem of a BAD_USER_INPUT answer. */
function refusal(result: Awaited<ReturnType<typeof signUp>>) {
  expect(errorCode(result)).toBe('BAD_USER_INPUT');
  const fields = result.errors![0].extensions.fields as Array<{ field: string; reason: string; message: string }>;
  expect(fields).toHaveLength(1);
  return fields[0];
}

describe('passwords attackers try first', () => {
  it.each(['password123', 'qwertyuiop', '1234567890', '1q2w3e4r5t', 'basketball', 'PASSWORD123'])(
    'refuses the breached password %s at sign-up, and no account is made',
    async (password) => {
      const email = uniqueEmail('breached');
      const refused = refusal(await signUp(t, { email, password }));
      expect(refused).toMatchObject({ field: 'password', reason: 'BREACHED' });
      expect(refused.message).toMatch(/leaked in data breaches.*choose another one/);
      expect(errorCode(await login(t, { email, password }))).toBe('INVALID_CREDENTIALS');
      expect((await signUp(t, { email, password: DEFAULT_PASSWORD })).errors).toBeUndefined();
    },
  );

  it('refuses a password built from the email address or from the name', async () => {
    const email = uniqueEmail('jiwoo.park');
    const fromEmail = `${email.split('@')[0]}!2024`;
    expect(refusal(await signUp(t, { email, password: fromEmail, name: 'Someone Else' }))).toMatchObject({ field: 'password', reason: 'PERSONAL' });
    expect(refusal(await signUp(t, { email, password: 'Example.com.12345' }))).toMatchObject({ reason: 'PERSONAL' });
    expect(refusal(await signUp(t, { email, password: 'SeoyeonChoi1990', name: 'Seoyeon Choi' }))).toMatchObject({ reason: 'PERSONAL' });
    expect((await signUp(t, { email, password: DEFAULT_PASSWORD, name: 'Seoyeon Choi' })).errors).toBeUndefined();
  });

  it('refuses a guessable password that is on no list', async () => {
    const refused = refusal(await signUp(t, { email: uniqueEmail(), password: 'Password2024!' }));
    expect(refused).toMatchObject({ field: 'password', reason: 'GUESSABLE' });
    expect(refused.message).toMatch(/too easy to guess/);
  });

  it('refuses one at changePassword (newPassword) before checking the current one: no failed password check, the old password stays', async () => {
    const user = await newUser(t);
    const withWrongCurrent = await changePassword(t, user.token, { currentPassword: 'not the password at all', newPassword: 'qwertyuiop' });
    expect(refusal(withWrongCurrent)).toMatchObject({ field: 'newPassword', reason: 'BREACHED' });
    const personal = await changePassword(t, user.token, { currentPassword: user.password, newPassword: `${user.email}` });
    expect(refusal(personal)).toMatchObject({ field: 'newPassword', reason: 'PERSONAL' });
    const types = (await mySecurityEvents(t, user.token)).data!.mySecurityEvents.map((event: { type: string }) => event.type);
    expect(types).not.toContain('PASSWORD_CHECK_FAILED');
    expect(types).not.toContain('PASSWORD_CHANGED');
    expect((await login(t, { email: user.email, password: user.password })).data!.login.status).toBe('AUTHENTICATED');
  });

  it('refuses one at resetPassword (newPassword), and the same link then sets a good one', async () => {
    const user = await newUser(t);
    const token = await mailedResetToken(user.email);
    expect(refusal(await resetPassword(token, 'iloveyou123'))).toMatchObject({ field: 'newPassword' });
    expect(refusal(await resetPassword(token, 'Test User 2024'))).toMatchObject({ field: 'newPassword', reason: 'PERSONAL' });
    expect((await login(t, { email: user.email, password: user.password })).data!.login.status).toBe('AUTHENTICATED');
    expect((await resetPassword(token, 'a brand new passphrase')).data).toEqual({ resetPassword: true });
    expect((await login(t, { email: user.email, password: 'a brand new passphrase' })).data!.login.status).toBe('AUTHENTICATED');
  });

  it('does not lock out an existing user whose password the rule would now refuse', async () => {
    const user = await newUser(t);
    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      await db.query('UPDATE users SET password_hash = $1 WHERE id = $2', [await hashPassword('password123'), user.userId]);
    } finally {
      await db.end();
    }
    const signedIn = await login(t, { email: user.email, password: 'password123' });
    expect(signedIn.data!.login.status).toBe('AUTHENTICATED');
    // Changing away from it needs only the old password; changing to it again is refused.
    const token = signedIn.data!.login.accessToken as string;
    expect(errorCode(await changePassword(t, token, { currentPassword: 'password123', newPassword: 'password123' }))).toBe('BAD_USER_INPUT');
    expect((await changePassword(t, token, { currentPassword: 'password123', newPassword: 'yet another passphrase' })).errors).toBeUndefined();
  });
});

const LOW_SUBJECT = /Only \d+ recovery codes are left|복구 코드가 \d+개만 남았습니다/;
const USED_SUBJECT = /A recovery code was used to sign in/;

/** Signs in with the password and a recovery code; returns the full session's token. */
async function signInWithRecoveryCode(email: string, recoveryCode: string): Promise<string> {
  const pending = await login(t, { email, password: DEFAULT_PASSWORD });
  const full = await verifyLoginSecondFactor(t, pending.data!.login.accessToken, { recoveryCode });
  expect(full.errors).toBeUndefined();
  return full.data!.verifyLoginSecondFactor.accessToken as string;
}

async function eventTypes(token: string): Promise<string[]> {
  return (await mySecurityEvents(t, token, 200)).data!.mySecurityEvents.map((event: { type: string }) => event.type);
}

describe('few recovery codes left', () => {
  it('mails once per set when a use leaves 3 or fewer, records RECOVERY_CODES_LOW once, and warns again for the next set', async () => {
    const user = await newUserWithTwoFactor(t);
    let token = user.token;
    for (const code of user.recoveryCodes.slice(0, 6)) token = await signInWithRecoveryCode(user.email, code);
    await t.inbox.waitFor(user.email, USED_SUBJECT, 0, /4 recovery codes remain/);
    expect(t.inbox.countTo(user.email, LOW_SUBJECT)).toBe(0);
    expect(await eventTypes(token)).not.toContain('RECOVERY_CODES_LOW');

    token = await signInWithRecoveryCode(user.email, user.recoveryCodes[6]);
    const warning = await t.inbox.waitFor(user.email, LOW_SUBJECT);
    expect(warning.subject).toBe('Only 3 recovery codes are left');
    expect(warning.text).toContain('Reissue recovery codes');
    expect((await twoFactorStatus(t, token)).data!.twoFactorStatus.recoveryCodesRemaining).toBe(3);

    // The next use of the same set: its own "used" notice, no second warning nor event.
    const before = t.inbox.messages.length;
    token = await signInWithRecoveryCode(user.email, user.recoveryCodes[7]);
    await t.inbox.waitFor(user.email, USED_SUBJECT, before, /2 recovery codes remain/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.inbox.countTo(user.email, LOW_SUBJECT)).toBe(1);
    expect((await eventTypes(token)).filter((type) => type === 'RECOVERY_CODES_LOW')).toHaveLength(1);

    // A reissued set warns again when it runs low.
    const reissued = await reissueRecoveryCodes(t, token, DEFAULT_PASSWORD);
    const fresh = reissued.data!.reissueRecoveryCodes.codes as string[];
    expect((await confirmRecoveryCodesReissue(t, token)).errors).toBeUndefined();
    const beforeSecondSet = t.inbox.messages.length;
    for (const code of fresh.slice(0, 7)) token = await signInWithRecoveryCode(user.email, code);
    await t.inbox.waitFor(user.email, LOW_SUBJECT, beforeSecondSet);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.inbox.countTo(user.email, LOW_SUBJECT)).toBe(2);
    expect((await eventTypes(token)).filter((type) => type === 'RECOVERY_CODES_LOW')).toHaveLength(2);
  });
});

const startReplacement = (token: string, input: Record<string, unknown>) =>
  t.gql(`mutation($input: StartAuthenticatorReplacementInput!) { startAuthenticatorReplacement(input: $input) { ${ENROLLMENT_FIELDS} } }`, { input }, token);
const confirmReplacement = (token: string, code: string) =>
  t.gql(`mutation($code: String!) { confirmAuthenticatorReplacement(code: $code) { ${STATUS_FIELDS} } }`, { code }, token);
const MOVED_SUBJECT = /Your authenticator app moved to a new phone/;

/** Password, then a code of `secret`: the session's token, or the error code of the second step. */
async function signInWithCode(email: string, secret: string, extra: Record<string, unknown> = {}) {
  const pending = await login(t, { email, password: DEFAULT_PASSWORD, ...extra });
  if (pending.data!.login.status === 'AUTHENTICATED') return { token: pending.data!.login.accessToken as string, skipped: true };
  const full = await verifyLoginSecondFactor(t, pending.data!.login.accessToken, { code: totpCode(secret, t.clock) });
  return { token: full.data?.verifyLoginSecondFactor?.accessToken as string | undefined, error: errorCode(full), skipped: false };
}

describe('moving to a new phone', () => {
  it("replaces the secret once the new app's code confirms it; the old app works until then and is refused after; nothing else changes", async () => {
    const user = await newUserWithTwoFactor(t);
    const pending = await login(t, { email: user.email, password: DEFAULT_PASSWORD });
    const remembered = await verifyLoginSecondFactor(t, pending.data!.login.accessToken, { code: totpCode(user.secret, t.clock), rememberDevice: true });
    const deviceToken = remembered.data!.verifyLoginSecondFactor.trustedDeviceToken as string;
    const otherSession = remembered.data!.verifyLoginSecondFactor.accessToken as string;
    t.clock.advanceSeconds(30);

    const started = await startReplacement(user.token, { password: DEFAULT_PASSWORD, code: totpCode(user.secret, t.clock) });
    expect(started.errors).toBeUndefined();
    const enrollment = started.data!.startAuthenticatorReplacement;
    expect(enrollment).toMatchObject({ accountName: user.email, digits: 6, period: 30 });
    expect(enrollment.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    const newSecret = enrollment.manualEntryKey as string;
    expect(newSecret).not.toBe(user.secret);

    // Until confirmed, the old app still signs in.
    t.clock.advanceSeconds(30);
    expect((await signInWithCode(user.email, user.secret)).error).toBeUndefined();

    t.clock.advanceSeconds(30);
    expect(errorCode(await confirmReplacement(user.token, wrongCode(totpCode(newSecret, t.clock))))).toBe('INVALID_CODE');
    const confirmCode = totpCode(newSecret, t.clock);
    const confirmed = await confirmReplacement(user.token, confirmCode);
    expect(confirmed.errors).toBeUndefined();
    expect(confirmed.data!.confirmAuthenticatorReplacement).toMatchObject({ enabled: true, recoveryCodesRemaining: 10 });
    await t.inbox.waitFor(user.email, MOVED_SUBJECT);

    // The confirming code cannot be replayed, and the old app no longer works.
    const replay = await login(t, { email: user.email, password: DEFAULT_PASSWORD });
    expect(errorCode(await verifyLoginSecondFactor(t, replay.data!.login.accessToken, { code: confirmCode }))).toBe('INVALID_CODE');
    t.clock.advanceSeconds(30);
    expect((await signInWithCode(user.email, user.secret)).error).toBe('INVALID_CODE');
    t.clock.advanceSeconds(30);
    const withNew = await signInWithCode(user.email, newSecret);
    expect(withNew.error).toBeUndefined();

    // Sessions, trusted devices and recovery codes are as they were.
    expect((await me(t, otherSession)).data!.me.email).toBe(user.email);
    expect((await me(t, user.token)).data!.me.email).toBe(user.email);
    expect((await trustedDevices(t, user.token)).data!.trustedDevices).toHaveLength(1);
    expect((await signInWithCode(user.email, newSecret, { trustedDeviceToken: deviceToken })).skipped).toBe(true);
    expect((await verifyLoginSecondFactor(t, (await login(t, { email: user.email, password: DEFAULT_PASSWORD })).data!.login.accessToken, { recoveryCode: user.recoveryCodes[0] })).errors).toBeUndefined();
    expect(await eventTypes(user.token)).toContain('AUTHENTICATOR_REPLACED');
    // Already done: nothing left to confirm.
    expect(errorCode(await confirmReplacement(user.token, totpCode(newSecret, t.clock)))).toBe('FAILED_PRECONDITION');
  });

  it('needs the password and a working code of the current app; a refused start saves nothing', async () => {
    const user = await newUserWithTwoFactor(t);
    expect(errorCode(await startReplacement(user.token, { password: 'not the password', code: totpCode(user.secret, t.clock) }))).toBe('INVALID_CREDENTIALS');
    expect(errorCode(await startReplacement(user.token, { password: DEFAULT_PASSWORD, code: wrongCode(totpCode(user.secret, t.clock)) }))).toBe('INVALID_CODE');
    expect(errorCode(await startReplacement(user.token, { password: DEFAULT_PASSWORD }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await confirmReplacement(user.token, totpCode(user.secret, t.clock)))).toBe('FAILED_PRECONDITION');
    const withoutTwoFactor = await newUser(t);
    expect(errorCode(await startReplacement(withoutTwoFactor.token, { password: DEFAULT_PASSWORD, code: '123456' }))).toBe('FAILED_PRECONDITION');
  });

  it('starts with a recovery code (spent), and expires after 30 minutes with the old app still working', async () => {
    const user = await newUserWithTwoFactor(t);
    const started = await startReplacement(user.token, { password: DEFAULT_PASSWORD, recoveryCode: user.recoveryCodes[0] });
    const newSecret = started.data!.startAuthenticatorReplacement.manualEntryKey as string;
    expect((await twoFactorStatus(t, user.token)).data!.twoFactorStatus.recoveryCodesRemaining).toBe(9);
    expect(errorCode(await startReplacement(user.token, { password: DEFAULT_PASSWORD, recoveryCode: user.recoveryCodes[0] }))).toBe('INVALID_CODE');
    t.clock.advanceMinutes(31);
    expect(errorCode(await confirmReplacement(user.token, totpCode(newSecret, t.clock)))).toBe('CODE_EXPIRED');
    expect((await signInWithCode(user.email, user.secret)).error).toBeUndefined();
  });
});
