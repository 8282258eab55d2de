import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationOf } from '../src/common/ip-location.util';
import { afterResponseWorkDone } from '../src/common/request-context';
import { AUTH_FIELDS, DEFAULT_PASSWORD, errorCode, login, me, newUser, type SignedIn, uniqueEmail } from './support/operations';
import { addPasskey, startPasskeySecondFactor } from './support/passkeys';
import { startTestApp, type TestApp } from './support/test-app';
import { type EnabledTwoFactor, newUserWithTwoFactor, totpCode, verifyLoginSecondFactor } from './support/two-factor';
import { USER_AGENT_NAMES } from './support/user-agents';

/**
 * New-sign-in alerts and their 'This wasn't me' link (../shared/api/next/account-safety.graphql),
 * read from the delivered mail. The app trusts one proxy, so X-Forwarded-For sets the client address.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ config: { trustProxy: 1 } });
});
afterAll(async () => {
  await t.close();
});

const agent = (name: string) => USER_AGENT_NAMES.find(([, named]) => named === name)![0];
const FIREFOX_WINDOWS = agent('Firefox on Windows');
const SAFARI_MAC = agent('Safari on macOS');
const CHROME_ANDROID = agent('Chrome on Android');
const EDGE_WINDOWS = agent('Microsoft Edge on Windows');
const SAFARI_IPHONE = USER_AGENT_NAMES.find(([, named]) => named === 'Safari on iOS')![0];
const FIREFOX_LINUX = agent('Firefox on Linux');
/** A public address in Korea, and one the shipped database places in a country without a city. */
const SEOUL_ADDRESS = '211.234.10.10';
const US_ADDRESS = '8.8.8.8';

const ALERT_SUBJECT = /^New sign-in to your account$|^계정에 새로운 로그인이 있습니다$/;
const RESET_SUBJECT = /^Reset your password$/;

const from = (userAgent: string, address?: string): Record<string, string> => ({ 'User-Agent': userAgent, ...(address ? { 'X-Forwarded-For': address } : {}) });

/** Signs in with the password (a user without 2FA, or with a trusted device token); the full session's token. */
async function passwordSignIn(user: { email: string; password: string }, headers: Record<string, string>, trustedDeviceToken?: string): Promise<string> {
  const result = await login(t, { email: user.email, password: user.password, ...(trustedDeviceToken ? { trustedDeviceToken } : {}) }, headers);
  expect(result.data?.login.status, JSON.stringify(result.errors)).toBe('AUTHENTICATED');
  return result.data!.login.accessToken as string;
}

/** Password, then a fresh TOTP code (the clock moves a step first), from one browser. */
async function codeSignIn(user: SignedIn & EnabledTwoFactor, headers: Record<string, string>, rememberDevice = false) {
  t.clock.advanceSeconds(30);
  const pending = (await login(t, { email: user.email, password: user.password }, headers)).data!.login.accessToken as string;
  const result = await verifyLoginSecondFactor(t, pending, { code: totpCode(user.secret, t.clock), rememberDevice }, headers);
  expect(result.data?.verifyLoginSecondFactor.status, JSON.stringify(result.errors)).toBe('AUTHENTICATED');
  return { token: result.data!.verifyLoginSecondFactor.accessToken as string, deviceToken: result.data!.verifyLoginSecondFactor.trustedDeviceToken as string | null };
}

/** The events of the account, newest first, with their device and place. */
async function events(token: string): Promise<Array<{ type: string; device: string | null; location: string | null; ipAddress: string | null }>> {
  const result = await t.gql('{ mySecurityEvents(first: 200) { type device location ipAddress } }', {}, token);
  expect(result.errors).toBeUndefined();
  return result.data!.mySecurityEvents;
}

const countOf = async (token: string, type: string) => (await events(token)).filter((event) => event.type === type).length;

/** Whatever a sign-in queued after its answer (the decision's event, the mail) has been done. */
const settled = () => afterResponseWorkDone();

/** The alert mails delivered to `email` so far. */
const alertsTo = (email: string) => t.inbox.messages.filter((mail) => mail.to.includes(email) && ALERT_SUBJECT.test(mail.subject));

/** The token of a mail's 'This wasn't me' link, checking the link is the console page of PUBLIC_URL. */
function reportTokenOf(text: string): string {
  const link = /(\S+\/sign-in-report\?token=\S+)/.exec(text)?.[1];
  if (!link) throw new Error(`No report link in mail: ${text}`);
  expect(link.startsWith(`${t.config.publicUrl}/sign-in-report?token=sir_`)).toBe(true);
  return new URL(link).searchParams.get('token')!;
}

const report = (token: string) => t.gql('mutation($token: String!) { reportUnrecognizedSignIn(token: $token) }', { token });

/** A user with one sign-in behind them (Firefox on Windows, no place): the account has a history. */
async function userWithHistory(): Promise<SignedIn & { firstToken: string }> {
  const user = await newUser(t);
  const firstToken = await passwordSignIn(user, from(FIREFOX_WINDOWS));
  await settled();
  return { ...user, firstToken };
}

describe('new-sign-in mail', () => {
  it('mails nothing for the first sign-in after sign-up, then mails a sign-in from another browser and place: when, device, place, address and the link', async () => {
    const user = await newUser(t);
    const first = await passwordSignIn(user, from(FIREFOX_WINDOWS));
    await settled();
    expect(await countOf(first, 'NEW_DEVICE_SIGN_IN')).toBe(0);
    expect(alertsTo(user.email)).toHaveLength(0);

    t.clock.advanceMinutes(5);
    const after = t.inbox.messages.length;
    const second = await passwordSignIn(user, from(SAFARI_MAC, SEOUL_ADDRESS));
    const mail = await t.inbox.waitFor(user.email, ALERT_SUBJECT, after);
    const place = await locationOf(SEOUL_ADDRESS);
    expect(place).toMatch(/^[^,]+, KR$/);
    expect(mail.subject).toBe('New sign-in to your account');
    expect(mail.text).toContain(`When: ${t.clock.now().toUTCString()}`);
    expect(mail.text).toContain('Device: Safari on macOS');
    expect(mail.text).toContain(`Place: ${place} (approximate, from the address)`);
    expect(mail.text).toContain(`Address: ${SEOUL_ADDRESS}`);
    reportTokenOf(mail.text);

    await settled();
    expect((await events(second)).find((event) => event.type === 'NEW_DEVICE_SIGN_IN')).toEqual({
      type: 'NEW_DEVICE_SIGN_IN',
      device: 'Safari on macOS',
      location: place,
      ipAddress: SEOUL_ADDRESS,
    });
    const sessions = (await t.gql('{ sessions { current device location ipAddress } }', {}, second)).data!.sessions;
    expect(sessions).toEqual(
      expect.arrayContaining([
        { current: true, device: 'Safari on macOS', location: place, ipAddress: SEOUL_ADDRESS },
        { current: false, device: 'Firefox on Windows', location: null, ipAddress: '127.0.0.1' },
      ]),
    );
  });

  it('writes the mail in Korean for a Korean user, and names only the country when the address has no city', async () => {
    const email = uniqueEmail('korean');
    const signedUp = await t.gql(`mutation($input: SignUpInput!) { signUp(input: $input) { ${AUTH_FIELDS} } }`, { input: { email, password: DEFAULT_PASSWORD } }, undefined, {
      'Accept-Language': 'ko-KR,ko;q=0.9',
    });
    expect(signedUp.errors).toBeUndefined();
    const user = { email, password: DEFAULT_PASSWORD };
    await passwordSignIn(user, from(FIREFOX_WINDOWS));
    await settled();

    const after = t.inbox.messages.length;
    // A browser that names no language of ours: the mail is in the user's language.
    await passwordSignIn(user, { ...from(SAFARI_MAC, US_ADDRESS), 'Accept-Language': 'fr-FR' });
    const mail = await t.inbox.waitFor(email, ALERT_SUBJECT, after);
    expect(mail.subject).toBe('계정에 새로운 로그인이 있습니다');
    expect(mail.text).toContain(`일시: ${t.clock.now().toUTCString()}`);
    expect(mail.text).toContain('기기: macOS의 Safari');
    expect(mail.text).toContain('위치: US (주소로 추정한 대략적인 위치)');
    expect(mail.text).toContain(`주소: ${US_ADDRESS}`);
    reportTokenOf(mail.text);
  });

  it('mails nothing for the same browser and place again, and again once it has not been seen for 90 days', async () => {
    const user = await userWithHistory();
    const after = t.inbox.messages.length;
    const token = await passwordSignIn(user, from(SAFARI_MAC, SEOUL_ADDRESS));
    await t.inbox.waitFor(user.email, ALERT_SUBJECT, after);

    await passwordSignIn(user, from(SAFARI_MAC, SEOUL_ADDRESS));
    await settled();
    expect(await countOf(token, 'NEW_DEVICE_SIGN_IN')).toBe(1);

    t.clock.advanceMinutes(60 * 24 * 90);
    const within = await passwordSignIn(user, from(SAFARI_MAC, SEOUL_ADDRESS));
    await settled();
    expect(await countOf(within, 'NEW_DEVICE_SIGN_IN')).toBe(1);

    t.clock.advanceMinutes(60 * 24 * 90 + 1);
    const past = await passwordSignIn(user, from(SAFARI_MAC, SEOUL_ADDRESS));
    await settled();
    expect(await countOf(past, 'NEW_DEVICE_SIGN_IN')).toBe(2);
  });

  it('tells apart the same browser in another place', async () => {
    const user = await userWithHistory();
    const after = t.inbox.messages.length;
    await passwordSignIn(user, from(FIREFOX_WINDOWS, SEOUL_ADDRESS));
    const mail = await t.inbox.waitFor(user.email, ALERT_SUBJECT, after);
    expect(mail.text).toContain('Device: Firefox on Windows');
    expect(mail.text).toContain(`Address: ${SEOUL_ADDRESS}`);
  });

  it('mails at most 3 an hour per account; every new sign-in is still recorded', async () => {
    const user = await userWithHistory();
    for (const userAgent of [SAFARI_MAC, CHROME_ANDROID, EDGE_WINDOWS, SAFARI_IPHONE, FIREFOX_LINUX]) await passwordSignIn(user, from(userAgent));
    await settled();
    expect(await countOf(user.firstToken, 'NEW_DEVICE_SIGN_IN')).toBe(5);
    await expect.poll(() => alertsTo(user.email).length).toBe(3);
    await settled();
    expect(alertsTo(user.email)).toHaveLength(3);
  });

  it('mails once for two sign-ins at the same moment from the same new browser', async () => {
    const user = await userWithHistory();
    await Promise.all([passwordSignIn(user, from(SAFARI_MAC, SEOUL_ADDRESS)), passwordSignIn(user, from(SAFARI_MAC, SEOUL_ADDRESS))]);
    await settled();
    expect(await countOf(user.firstToken, 'NEW_DEVICE_SIGN_IN')).toBe(1);
    await expect.poll(() => alertsTo(user.email).length).toBe(1);
  });
});

describe('every way to a full session alerts', () => {
  it('a code, a recovery code, a passkey as the second step, and a trusted device', async () => {
    const user = await newUserWithTwoFactor(t);
    const { authenticator } = await addPasskey(t, user, user.token);
    const { deviceToken } = await codeSignIn(user, from(FIREFOX_WINDOWS), true);
    await settled();
    expect(alertsTo(user.email)).toHaveLength(0);

    t.clock.advanceSeconds(30);
    const pending = (await login(t, { email: user.email, password: user.password }, from(SAFARI_MAC))).data!.login.accessToken as string;
    expect((await verifyLoginSecondFactor(t, pending, { recoveryCode: user.recoveryCodes[0] }, from(SAFARI_MAC))).errors).toBeUndefined();
    await expect.poll(() => alertsTo(user.email).map((mail) => /Device: (.*)/.exec(mail.text)?.[1])).toEqual(['Safari on macOS']);

    const passkeyPending = (await login(t, { email: user.email, password: user.password }, from(CHROME_ANDROID))).data!.login.accessToken as string;
    const options = (await startPasskeySecondFactor(t, passkeyPending)).data!.startPasskeySecondFactor as string;
    expect((await verifyLoginSecondFactor(t, passkeyPending, { passkeyResponse: authenticator.authenticate(options) }, from(CHROME_ANDROID))).errors).toBeUndefined();
    await expect.poll(() => alertsTo(user.email).length).toBe(2);

    // The trusted device's token, carried to another browser.
    await passwordSignIn(user, from(EDGE_WINDOWS), deviceToken!);
    await expect.poll(() => alertsTo(user.email).map((mail) => /Device: (.*)/.exec(mail.text)?.[1])).toEqual(['Safari on macOS', 'Chrome on Android', 'Microsoft Edge on Windows']);
  });

  it('a one-step passkey sign-in (finishPasskeySignIn)', async () => {
    const user = await newUserWithTwoFactor(t);
    const { authenticator } = await addPasskey(t, user, user.token);
    const passkeySignIn = async (headers: Record<string, string>) => {
      const options = (await t.gql('mutation { startPasskeySignIn }')).data!.startPasskeySignIn as string;
      const result = await t.gql(
        `mutation($input: FinishPasskeySignInInput!) { finishPasskeySignIn(input: $input) { ${AUTH_FIELDS} } }`,
        { input: { response: authenticator.authenticate(options) } },
        undefined,
        headers,
      );
      expect(result.data?.finishPasskeySignIn.status, JSON.stringify(result.errors)).toBe('AUTHENTICATED');
    };
    await passkeySignIn(from(FIREFOX_WINDOWS));
    await settled();
    expect(alertsTo(user.email)).toHaveLength(0);
    const after = t.inbox.messages.length;
    await passkeySignIn(from(SAFARI_IPHONE, SEOUL_ADDRESS));
    expect((await t.inbox.waitFor(user.email, ALERT_SUBJECT, after)).text).toContain('Device: Safari on iOS');
  });
});

describe("reportUnrecognizedSignIn ('This wasn't me')", () => {
  /** A 2FA user who remembered one browser, then a sign-in from another that was mailed: its session and link. */
  async function reportedSignIn() {
    const user = await newUserWithTwoFactor(t);
    const remembered = await codeSignIn(user, from(FIREFOX_WINDOWS), true);
    await settled();
    const after = t.inbox.messages.length;
    const stranger = await codeSignIn(user, from(CHROME_ANDROID, SEOUL_ADDRESS));
    const mail = await t.inbox.waitFor(user.email, ALERT_SUBJECT, after);
    await settled();
    return { user, remembered, strangerToken: stranger.token, reportToken: reportTokenOf(mail.text) };
  }

  it('ends the session that signed in and every trusted device, mails a reset link and records the event; used again it answers true and does nothing more', async () => {
    const { user, remembered, strangerToken, reportToken } = await reportedSignIn();
    expect((await me(t, strangerToken)).data!.me.id).toBe(user.userId);

    const after = t.inbox.messages.length;
    const answer = await report(reportToken);
    expect(answer).toMatchObject({ data: { reportUnrecognizedSignIn: true } });
    expect(answer.errors).toBeUndefined();

    expect(errorCode(await me(t, strangerToken))).toBe('UNAUTHENTICATED');
    // The remembered browser no longer skips the second factor; its own session goes on.
    const withDevice = await login(t, { email: user.email, password: user.password, trustedDeviceToken: remembered.deviceToken }, from(FIREFOX_WINDOWS));
    expect(withDevice.data!.login).toMatchObject({ status: 'SECOND_FACTOR_REQUIRED', trustedDeviceRejected: true });
    expect((await me(t, remembered.token)).data!.me.id).toBe(user.userId);
    const reset = await t.inbox.waitFor(user.email, RESET_SUBJECT, after);
    expect(reset.text).toMatch(/\/reset-password\?token=pwr_/);
    expect(await countOf(remembered.token, 'SIGN_IN_REPORTED_UNRECOGNIZED')).toBe(1);

    const again = await report(reportToken);
    expect(again).toMatchObject({ data: { reportUnrecognizedSignIn: true } });
    await settled();
    expect(await countOf(remembered.token, 'SIGN_IN_REPORTED_UNRECOGNIZED')).toBe(1);
    expect(t.inbox.messages.slice(after).filter((mail) => mail.to.includes(user.email) && RESET_SUBJECT.test(mail.subject))).toHaveLength(1);

    // The reported browser and place are forgotten: signing in from there is mailed again.
    const before = t.inbox.messages.length;
    await codeSignIn(user, from(CHROME_ANDROID, SEOUL_ADDRESS));
    await t.inbox.waitFor(user.email, ALERT_SUBJECT, before);
  });

  it('does nothing for a forged, a malformed or an unknown token, and answers the same', async () => {
    const { user, remembered, strangerToken } = await reportedSignIn();
    for (const token of [`sir_${randomBytes(32).toString('base64url')}`, 'sir_short', "sir_' OR 1=1 --", strangerToken, '']) {
      expect(await report(token)).toMatchObject({ data: { reportUnrecognizedSignIn: true } });
    }
    await settled();
    expect((await me(t, strangerToken)).data!.me.id).toBe(user.userId);
    expect(await countOf(remembered.token, 'SIGN_IN_REPORTED_UNRECOGNIZED')).toBe(0);
    expect(t.inbox.countTo(user.email, RESET_SUBJECT)).toBe(0);
  });

  it('does nothing for a token past its 7 days, and answers the same', async () => {
    const { user, remembered, reportToken } = await reportedSignIn();
    t.clock.advanceMinutes(7 * 24 * 60 + 1);
    expect(await report(reportToken)).toMatchObject({ data: { reportUnrecognizedSignIn: true } });
    await settled();
    // The remembered browser (30 days) still skips the second factor.
    const token = await passwordSignIn(user, from(FIREFOX_WINDOWS), remembered.deviceToken!);
    expect(await countOf(token, 'SIGN_IN_REPORTED_UNRECOGNIZED')).toBe(0);
    expect(t.inbox.countTo(user.email, RESET_SUBJECT)).toBe(0);
  });
});
