import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, errorCode, login, me, mySecurityEvents, newUser, uniqueEmail } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';
import { newUserWithTwoFactor, totpCode, verifyLoginSecondFactor } from './support/two-factor';

const RESET_SUBJECT = /Reset your password|비밀번호 재설정/;
const NEW_PASSWORD = 'a brand new passphrase';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const requestPasswordReset = (email: string) => t.gql('mutation($email: String!) { requestPasswordReset(email: $email) }', { email });
const resetPassword = (token: string, newPassword = NEW_PASSWORD) =>
  t.gql('mutation($input: ResetPasswordInput!) { resetPassword(input: $input) }', { input: { token, newPassword } });
const sessions = (token: string) => t.gql('{ sessions { id current level createdAt lastSeenAt expiresAt ipAddress userAgent } }', {}, token);
const revokeSession = (token: string, id: string) => t.gql('mutation($id: ID!) { revokeSession(id: $id) }', { id }, token);

/** Asks for a reset and reads the token from the link in the delivered mail, as the reset page would. */
async function mailedResetToken(email: string): Promise<string> {
  const after = t.inbox.messages.length;
  const asked = await requestPasswordReset(email);
  expect(asked.data).toEqual({ requestPasswordReset: true });
  const mail = await t.inbox.waitFor(email, RESET_SUBJECT, after);
  const link = /(\S+\/reset-password\?token=\S+)/.exec(mail.text)?.[1];
  if (!link) throw new Error(`No reset link in mail: ${mail.text}`);
  return new URL(link).searchParams.get('token')!;
}

describe('forgotten password', () => {
  it('resets the password from the mailed link: old password refused, sessions and trusted devices ended, 2FA still asked', async () => {
    const user = await newUserWithTwoFactor(t);
    const pending = await login(t, { email: user.email, password: DEFAULT_PASSWORD });
    t.clock.advanceSeconds(30);
    const remembered = await verifyLoginSecondFactor(t, pending.data!.login.accessToken, { code: totpCode(user.secret, t.clock), rememberDevice: true });
    const deviceToken = remembered.data!.verifyLoginSecondFactor.trustedDeviceToken as string;
    expect(deviceToken).toBeTruthy();

    const token = await mailedResetToken(user.email);
    expect(token).toMatch(/^pwr_[A-Za-z0-9_-]{43}$/);
    expect((await resetPassword(token)).data).toEqual({ resetPassword: true });

    expect(errorCode(await me(t, user.token))).toBe('UNAUTHENTICATED');
    expect(errorCode(await me(t, remembered.data!.verifyLoginSecondFactor.accessToken))).toBe('UNAUTHENTICATED');
    expect(errorCode(await login(t, { email: user.email, password: DEFAULT_PASSWORD }))).toBe('INVALID_CREDENTIALS');
    const again = await login(t, { email: user.email, password: NEW_PASSWORD, trustedDeviceToken: deviceToken });
    expect(again.data!.login).toMatchObject({ status: 'SECOND_FACTOR_REQUIRED', trustedDeviceRejected: true });
    await t.inbox.waitFor(user.email, /Your password was reset|비밀번호가 재설정되었습니다/);

    t.clock.advanceSeconds(30);
    const full = await verifyLoginSecondFactor(t, again.data!.login.accessToken, { code: totpCode(user.secret, t.clock) });
    const events = await mySecurityEvents(t, full.data!.verifyLoginSecondFactor.accessToken);
    const types = events.data!.mySecurityEvents.map((event: { type: string }) => event.type);
    expect(types).toEqual(expect.arrayContaining(['PASSWORD_RESET_REQUESTED', 'PASSWORD_RESET']));
  });

  it('refuses a token used twice, a guessed one, and one voided by a newer request, with INVALID_CODE', async () => {
    const user = await newUser(t);
    const older = await mailedResetToken(user.email);
    const newer = await mailedResetToken(user.email);
    expect(errorCode(await resetPassword(older))).toBe('INVALID_CODE');
    expect((await resetPassword(newer)).data).toEqual({ resetPassword: true });
    expect(errorCode(await resetPassword(newer, 'yet another passphrase'))).toBe('INVALID_CODE');
    expect(errorCode(await resetPassword(`pwr_${'A'.repeat(43)}`))).toBe('INVALID_CODE');
    expect(errorCode(await resetPassword('not a token at all'))).toBe('INVALID_CODE');
    expect(errorCode(await login(t, { email: user.email, password: 'yet another passphrase' }))).toBe('INVALID_CREDENTIALS');
  });

  it('refuses a token after its 30 minutes with CODE_EXPIRED, and the password stays', async () => {
    const user = await newUser(t);
    const token = await mailedResetToken(user.email);
    t.clock.advanceMinutes(31);
    expect(errorCode(await resetPassword(token))).toBe('CODE_EXPIRED');
    expect((await login(t, { email: user.email, password: DEFAULT_PASSWORD })).data!.login.status).toBe('AUTHENTICATED');
  });

  it('refuses a weak new password with BAD_USER_INPUT and keeps the token usable', async () => {
    const user = await newUser(t);
    const token = await mailedResetToken(user.email);
    expect(errorCode(await resetPassword(token, 'short'))).toBe('BAD_USER_INPUT');
    expect((await resetPassword(token)).data).toEqual({ resetPassword: true });
  });

  it('gives exactly one success to concurrent resets with one token', async () => {
    const user = await newUser(t);
    const token = await mailedResetToken(user.email);
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => resetPassword(token, `${NEW_PASSWORD} ${i}`)));
    expect(results.filter((result) => result.data?.resetPassword === true)).toHaveLength(1);
    expect(results.filter((result) => errorCode(result) === 'INVALID_CODE')).toHaveLength(4);
  });

  it('answers an unknown email exactly as a known one and mails it nothing', async () => {
    const unknown = uniqueEmail('nobody');
    const known = await newUser(t);
    const [forUnknown, forKnown] = [await requestPasswordReset(unknown), await requestPasswordReset(known.email)];
    expect([forUnknown.status, forUnknown.data, forUnknown.errors]).toEqual([forKnown.status, forKnown.data, forKnown.errors]);
    await mailedResetToken(known.email);
    expect(t.inbox.messages.filter((mail) => mail.to.includes(unknown))).toEqual([]);
  });

  it('takes about as long for an unknown email as for a known one (medians of 10)', async () => {
    const knownEmails = await Promise.all(Array.from({ length: 10 }, async () => (await newUser(t)).email));
    const timed = async (email: string) => {
      const started = performance.now();
      await requestPasswordReset(email);
      return performance.now() - started;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (const email of knownEmails) {
      known.push(await timed(email));
      unknown.push(await timed(uniqueEmail('nobody')));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[5];
    const [knownMedian, unknownMedian] = [median(known), median(unknown)];
    expect(Math.abs(knownMedian - unknownMedian) < 50 || Math.max(knownMedian, unknownMedian) < 2 * Math.min(knownMedian, unknownMedian)).toBe(true);
  });
});

describe('sessions', () => {
  it('lists the live sessions newest first with the current one marked, and revokes one', async () => {
    const user = await newUser(t);
    t.clock.advanceSeconds(1);
    const second = await login(t, { email: user.email, password: DEFAULT_PASSWORD }, { 'user-agent': 'Second browser' });
    const listed = (await sessions(user.token)).data!.sessions;
    expect(listed).toHaveLength(2);
    expect(listed[0]).toMatchObject({ current: false, level: 'FULL', userAgent: 'Second browser' });
    expect(listed[1]).toMatchObject({ current: true, level: 'FULL' });

    expect((await revokeSession(user.token, listed[0].id)).data).toEqual({ revokeSession: true });
    expect(errorCode(await me(t, second.data!.login.accessToken))).toBe('UNAUTHENTICATED');
    expect((await sessions(user.token)).data!.sessions.map((session: { id: string }) => session.id)).toEqual([listed[1].id]);
  });

  it("answers another user's session id with NOT_FOUND and ends nothing", async () => {
    const owner = await newUser(t);
    const stranger = await newUser(t);
    const [ownersSession] = (await sessions(owner.token)).data!.sessions;
    expect(errorCode(await revokeSession(stranger.token, ownersSession.id))).toBe('NOT_FOUND');
    expect(errorCode(await revokeSession(stranger.token, 'not-an-id'))).toBe('NOT_FOUND');
    expect((await me(t, owner.token)).data!.me.email).toBe(owner.email);
  });
});
