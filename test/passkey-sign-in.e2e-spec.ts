import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_FIELDS, errorCode, login, me, mySecurityEvents, type SignedIn } from './support/operations';
import { addPasskey, listPasskeys, pendingWithOptions, signInWithPasskey } from './support/passkeys';
import { SoftwareAuthenticator } from './support/software-authenticator';
import { startTestApp, type TestApp } from './support/test-app';
import { type EnabledTwoFactor, newUserWithTwoFactor, totpCode, trustedDevices, verifyLoginSecondFactor } from './support/two-factor';

/** One-step passkey sign-in (../shared/api/next/passwordless.graphql): each refusal is an attack that must fail. */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const startPasskeySignIn = () => t.gql('mutation { startPasskeySignIn }');
const finishPasskeySignIn = (response: string, rememberDevice?: boolean) =>
  t.gql(`mutation($input: FinishPasskeySignInInput!) { finishPasskeySignIn(input: $input) { ${AUTH_FIELDS} } }`, { input: { response, rememberDevice } });

async function signInOptions(): Promise<string> {
  const started = await startPasskeySignIn();
  expect(started.errors).toBeUndefined();
  return started.data!.startPasskeySignIn as string;
}

async function userWithPasskey(): Promise<{ user: SignedIn & EnabledTwoFactor; authenticator: SoftwareAuthenticator; token: string }> {
  const user = await newUserWithTwoFactor(t);
  const { authenticator } = await addPasskey(t, user, user.token);
  return { user, authenticator, token: user.token };
}

function expectInvalidCredentials(result: { status: number; data?: unknown; errors?: Array<{ message: string; extensions: Record<string, unknown> }> }) {
  expect(result.status).toBe(200);
  expect(errorCode(result as never)).toBe('INVALID_CREDENTIALS');
  expect(result.errors![0].message).toMatch(/could not sign you in/);
}

describe('startPasskeySignIn', () => {
  it('asks for a discoverable credential with user verification, for this site, naming no account', async () => {
    const options = JSON.parse(await signInOptions());
    expect(options).toMatchObject({ rpId: t.config.webauthnRpId, userVerification: 'required' });
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('finishPasskeySignIn', () => {
  it('signs in with the passkey alone: a FULL session, both factors, recorded', async () => {
    const { user, authenticator } = await userWithPasskey();

    const signedIn = await finishPasskeySignIn(authenticator.authenticate(await signInOptions()));

    expect(signedIn.errors).toBeUndefined();
    expect(signedIn.data!.finishPasskeySignIn).toMatchObject({ status: 'AUTHENTICATED', user: { id: user.userId, email: user.email } });
    const token = signedIn.data!.finishPasskeySignIn.accessToken as string;
    expect((await me(t, token)).data!.me.id).toBe(user.userId);
    const events = (await mySecurityEvents(t, token)).data!.mySecurityEvents as Array<{ type: string }>;
    expect(events[0]!.type).toBe('PASSKEY_SIGN_IN_SUCCEEDED');
    expect((await listPasskeys(t, token)).data!.passkeys).toEqual([expect.objectContaining({ discoverable: true })]);
  });

  it('remembers the browser only when asked, as the second step does: a listed device, a mail, and for this account only', async () => {
    const { user, authenticator } = await userWithPasskey();
    const notAsked = (await finishPasskeySignIn(authenticator.authenticate(await signInOptions()))).data!.finishPasskeySignIn;
    expect(notAsked.trustedDeviceToken).toBeNull();
    expect((await trustedDevices(t, notAsked.accessToken)).data!.trustedDevices).toEqual([]);

    const mails = t.inbox.messages.length;
    const signedIn = (await finishPasskeySignIn(authenticator.authenticate(await signInOptions()), true)).data!.finishPasskeySignIn;
    const deviceToken = signedIn.trustedDeviceToken as string;
    expect(deviceToken).toMatch(/^\w+_/);
    expect((await trustedDevices(t, signedIn.accessToken)).data!.trustedDevices).toHaveLength(1);
    await t.inbox.waitFor(user.email, /A new device will skip 2-step verification/, mails);
    const events = (await mySecurityEvents(t, signedIn.accessToken)).data!.mySecurityEvents as Array<{ type: string }>;
    expect(events.slice(0, 2).map((e) => e.type).sort()).toEqual(['PASSKEY_SIGN_IN_SUCCEEDED', 'TRUSTED_DEVICE_ADDED']);

    const again = await login(t, { email: user.email, password: user.password, trustedDeviceToken: deviceToken });
    expect(again.data!.login.status).toBe('AUTHENTICATED');
    // Someone else's password with this browser's token still asks for their second factor.
    const other = await newUserWithTwoFactor(t);
    const theirs = await login(t, { email: other.email, password: other.password, trustedDeviceToken: deviceToken });
    expect(theirs.data!.login).toMatchObject({ status: 'SECOND_FACTOR_REQUIRED', trustedDeviceToken: null });
  });

  it('refuses a replayed assertion', async () => {
    const { authenticator } = await userWithPasskey();
    const answer = authenticator.authenticate(await signInOptions());
    expect((await finishPasskeySignIn(answer)).errors).toBeUndefined();
    expectInvalidCredentials(await finishPasskeySignIn(answer));
  });

  it('lets one of many concurrent copies of one answer through', async () => {
    const { authenticator } = await userWithPasskey();
    const answer = authenticator.authenticate(await signInOptions());
    const results = await Promise.all(Array.from({ length: 6 }, () => finishPasskeySignIn(answer)));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => errorCode(r) === 'INVALID_CREDENTIALS')).toHaveLength(5);
  });

  it("refuses an answer to another ceremony's challenge (a pending session's second step)", async () => {
    const { user, authenticator } = await userWithPasskey();
    const { options } = await pendingWithOptions(t, user);
    expectInvalidCredentials(await finishPasskeySignIn(authenticator.authenticate(options)));
  });

  it("does not let a sign-in challenge's answer finish someone's second step", async () => {
    const { user, authenticator } = await userWithPasskey();
    const { pending } = await pendingWithOptions(t, user);
    const refused = await signInWithPasskey(t, pending, authenticator.authenticate(await signInOptions()));
    expect(errorCode(refused)).toBe('INVALID_CODE');
    expect((await me(t, pending)).errors?.[0]?.extensions.code).toBe('SECOND_FACTOR_REQUIRED');
  });

  it('refuses an assertion made without user verification', async () => {
    const { authenticator } = await userWithPasskey();
    expectInvalidCredentials(await finishPasskeySignIn(authenticator.authenticate(await signInOptions(), { userVerified: false })));
  });

  it('refuses an unknown credential, and a known one whose user handle names someone else', async () => {
    const stranger = new SoftwareAuthenticator(t.config.publicUrl);
    expectInvalidCredentials(await finishPasskeySignIn(stranger.authenticate(await signInOptions(), { userHandle: 'c29tZW9uZQ' })));
    const { authenticator } = await userWithPasskey();
    const other = await newUserWithTwoFactor(t);
    const otherHandle = Buffer.from(other.userId).toString('base64url');
    expectInvalidCredentials(await finishPasskeySignIn(authenticator.authenticate(await signInOptions(), { userHandle: otherHandle })));
  });

  it('refuses an assertion made for another origin (a phishing site)', async () => {
    const { authenticator } = await userWithPasskey();
    expectInvalidCredentials(await finishPasskeySignIn(authenticator.authenticate(await signInOptions(), { origin: 'https://phish.example' })));
  });

  it("counts refusals against the account's second-factor lockout, then refuses even the right answer", async () => {
    const { user, authenticator } = await userWithPasskey();
    for (let i = 0; i < 10; i++) {
      expectInvalidCredentials(await finishPasskeySignIn(authenticator.authenticate(await signInOptions(), { origin: 'https://phish.example' })));
    }
    const locked = await finishPasskeySignIn(authenticator.authenticate(await signInOptions()));
    expect(errorCode(locked)).toBe('TOO_MANY_ATTEMPTS');
    // The same lock as wrong codes at the second step: a right app code is paused too.
    const pending = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken as string;
    t.clock.advanceSeconds(30);
    expect(errorCode(await verifyLoginSecondFactor(t, pending, { code: totpCode(user.secret, t.clock) }))).toBe('TOO_MANY_ATTEMPTS');
  });

  it('spends the challenge once, even when the answer is refused', async () => {
    const { authenticator } = await userWithPasskey();
    const options = await signInOptions();
    expectInvalidCredentials(await finishPasskeySignIn(authenticator.authenticate(options, { userVerified: false })));
    expectInvalidCredentials(await finishPasskeySignIn(authenticator.authenticate(options)));
  });

  it('refuses malformed JSON as BAD_USER_INPUT', async () => {
    expect(errorCode(await finishPasskeySignIn('[1,2'))).toBe('BAD_USER_INPUT');
  });
});

describe('registration for sign-in', () => {
  it('asks for a resident key, and records whether the authenticator made one', async () => {
    const user = await newUserWithTwoFactor(t);
    const options = JSON.parse((await t.gql('mutation($p: String!) { startPasskeyRegistration(password: $p) }', { p: user.password }, user.token)).data!.startPasskeyRegistration);
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required' });
    expect(options.extensions).toMatchObject({ credProps: true });

    const nonResident = new SoftwareAuthenticator(t.config.publicUrl);
    const response = nonResident.register(JSON.stringify(options), { residentKey: false });
    const finished = await t.gql('mutation($input: FinishPasskeyRegistrationInput!) { finishPasskeyRegistration(input: $input) { discoverable } }', { input: { name: 'Old key', response } }, user.token);
    expect(finished.data!.finishPasskeyRegistration).toEqual({ discoverable: false });
    // Without a user handle it cannot name its account at sign-in.
    expectInvalidCredentials(await finishPasskeySignIn(nonResident.authenticate(await signInOptions())));
  });
});
