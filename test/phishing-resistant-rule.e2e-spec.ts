import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, login, me, mySecurityEvents, type SignedIn } from './support/operations';
import { addMember, newOrganization, organizationMembers } from './support/organizations';
import { addPasskey, listPasskeys, pendingWithOptions, removePasskey, signInWithPasskey } from './support/passkeys';
import type { SoftwareAuthenticator } from './support/software-authenticator';
import { startTestApp, type TestApp } from './support/test-app';
import { type EnabledTwoFactor, newUserWithTwoFactor, totpCode, verifyLoginSecondFactor } from './support/two-factor';

/**
 * Organizations that accept only phishing-resistant factors for a role (passwordless.graphql):
 * every rule is attacked with what it must refuse.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

type TwoFactorUser = SignedIn & EnabledTwoFactor;
const HOUR = 3600;

const SETTINGS = 'requireTwoFactor twoFactorGracePeriodHours adminSecondFactors memberSecondFactors';
const updateSettings = (token: string, input: Record<string, unknown>) =>
  t.gql(`mutation($input: UpdateOrganizationSecuritySettingsInput!) { updateOrganizationSecuritySettings(input: $input) { ${SETTINGS} } }`, { input }, token);
const status = async (token: string) =>
  (await t.gql('{ twoFactorStatus { phishingResistantRequired passkeyRequiredBy passkeyCount } }', {}, token)).data?.twoFactorStatus as
    | { phishingResistantRequired: boolean; passkeyRequiredBy: string | null; passkeyCount: number }
    | undefined;

function freshCode(user: TwoFactorUser): string {
  t.clock.advanceSeconds(30);
  return totpCode(user.secret, t.clock);
}

async function pending(user: SignedIn): Promise<string> {
  return (await login(t, { email: user.email, password: user.password })).data!.login.accessToken as string;
}

/** An owner with 2FA and a passkey, and an organization requiring 2FA (grace `graceHours`) whose admins must use passkeys. */
async function strictOrganization(graceHours = 24) {
  const owner = await newUserWithTwoFactor(t);
  const ownerKey = await addPasskey(t, owner, owner.token);
  const organizationId = await newOrganization(t, owner.token, 'Keys Only');
  const set = await updateSettings(owner.token, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: graceHours, adminSecondFactors: 'PHISHING_RESISTANT' });
  expect(set.errors).toBeUndefined();
  // The owner's own code-made session is held now too: they go on with one made by the passkey.
  const ownerSession = await signInWithKey(owner, ownerKey.authenticator);
  return { owner, ownerKey: ownerKey.authenticator, ownerSession, organizationId };
}

/** A full session through the second step with the passkey. */
async function signInWithKey(user: SignedIn, key: SoftwareAuthenticator): Promise<string> {
  const { pending: token, options } = await pendingWithOptions(t, user);
  const signedIn = await signInWithPasskey(t, token, key.authenticate(options));
  expect(signedIn.errors).toBeUndefined();
  return signedIn.data!.verifyLoginSecondFactor.accessToken as string;
}

describe('setting the rule', () => {
  it('needs the caller to hold a passkey', async () => {
    const owner = await newUserWithTwoFactor(t);
    const organizationId = await newOrganization(t, owner.token);
    const refused = await updateSettings(owner.token, { organizationId, requireTwoFactor: true, adminSecondFactors: 'PHISHING_RESISTANT' });
    expect(errorCode(refused)).toBe('FAILED_PRECONDITION');
    expect(refused.errors![0].message).toMatch(/Register a passkey/);

    await addPasskey(t, owner, owner.token);
    const set = await updateSettings(owner.token, { organizationId, requireTwoFactor: true, adminSecondFactors: 'PHISHING_RESISTANT' });
    expect(set.data!.updateOrganizationSecuritySettings).toMatchObject({ adminSecondFactors: 'PHISHING_RESISTANT', memberSecondFactors: 'ANY' });
  });

  it('mails the admins it starts holding, with their deadline', async () => {
    const owner = await newUserWithTwoFactor(t);
    await addPasskey(t, owner, owner.token);
    const organizationId = await newOrganization(t, owner.token);
    const admin = await newUserWithTwoFactor(t);
    await addMember(t, owner.token, organizationId, admin.email, 'ADMIN');
    const after = t.inbox.messages.length;
    await updateSettings(owner.token, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 48, adminSecondFactors: 'PHISHING_RESISTANT' });
    const mail = await t.inbox.waitFor(admin.email, /accepts only passkeys and security keys/, after);
    expect(mail.text).toContain(new Date(t.clock.now().getTime() + 48 * HOUR * 1000).toUTCString());
  });
});

describe('an admin with a passkey under the rule', () => {
  it('is refused an app code (FORBIDDEN, not spent, no wrong try counted) and signs in with the passkey', async () => {
    const { owner, ownerKey } = await strictOrganization();
    const token = await pending(owner);
    const code = freshCode(owner);

    const refused = await verifyLoginSecondFactor(t, token, { code });
    expect(errorCode(refused)).toBe('FORBIDDEN');
    expect(refused.errors![0].message).toMatch(/Keys Only accepts only a passkey/);
    const full = await signInWithKey(owner, ownerKey);
    expect((await me(t, full)).errors).toBeUndefined();
    const events = (await mySecurityEvents(t, full)).data!.mySecurityEvents as Array<{ type: string }>;
    expect(events.filter((e) => e.type === 'SECOND_FACTOR_FAILED')).toEqual([]);
  });

  it('with a recovery code gets a session held to passkey registration, which stays held after registering', async () => {
    const { owner } = await strictOrganization();
    const signedIn = await verifyLoginSecondFactor(t, await pending(owner), { recoveryCode: owner.recoveryCodes[0] });
    expect(signedIn.data!.verifyLoginSecondFactor.status).toBe('TWO_FACTOR_SETUP_REQUIRED');
    const held = signedIn.data!.verifyLoginSecondFactor.accessToken as string;

    expect(errorCode(await mySecurityEvents(t, held))).toBe('TWO_FACTOR_SETUP_REQUIRED');
    expect((await me(t, held)).errors).toBeUndefined();
    const replacement = await addPasskey(t, owner, held, 'New key');
    expect(errorCode(await mySecurityEvents(t, held))).toBe('TWO_FACTOR_SETUP_REQUIRED');

    const full = await signInWithKey(owner, replacement.authenticator);
    expect((await mySecurityEvents(t, full)).errors).toBeUndefined();
  });

  it('finds a full session made with a code before the rule held on its next request', async () => {
    const owner = await newUserWithTwoFactor(t);
    await addPasskey(t, owner, owner.token);
    const organizationId = await newOrganization(t, owner.token);
    const admin = await newUserWithTwoFactor(t);
    await addPasskey(t, admin, admin.token);
    await addMember(t, owner.token, organizationId, admin.email, 'ADMIN');
    const codeSession = (await verifyLoginSecondFactor(t, await pending(admin), { code: freshCode(admin) })).data!.verifyLoginSecondFactor.accessToken as string;
    expect((await mySecurityEvents(t, codeSession)).errors).toBeUndefined();

    await updateSettings(owner.token, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 72, adminSecondFactors: 'PHISHING_RESISTANT' });

    expect(errorCode(await mySecurityEvents(t, codeSession))).toBe('TWO_FACTOR_SETUP_REQUIRED');
  });

  it('cannot remove the last passkey while the rule demands one', async () => {
    const { owner, organizationId } = await strictOrganization();
    const full = await signInWithKey(owner, (await addPasskey(t, owner, owner.token, 'Second')).authenticator);
    const keys = (await listPasskeys(t, full)).data!.passkeys as Array<{ id: string }>;
    expect((await removePasskey(t, full, keys[0]!.id, owner.password)).errors).toBeUndefined();
    const last = await removePasskey(t, full, keys[1]!.id, owner.password);
    expect(errorCode(last)).toBe('FAILED_PRECONDITION');
    expect(last.errors![0].message).toMatch(/Keys Only accepts only passkeys/);
    expect(organizationId).toBeTruthy();
  });
});

describe('an admin without a passkey under the rule', () => {
  it('keeps signing in with codes during the grace period, told by when, then is held until a key is registered', async () => {
    const { ownerSession, organizationId } = await strictOrganization(4);
    const admin = await newUserWithTwoFactor(t);
    await addMember(t, ownerSession, organizationId, admin.email, 'ADMIN');
    const joinedAt = t.clock.now().getTime();

    const within = (await verifyLoginSecondFactor(t, await pending(admin), { code: freshCode(admin) })).data!.verifyLoginSecondFactor;
    expect(within.status).toBe('AUTHENTICATED');
    const told = await status(within.accessToken);
    expect(told!.phishingResistantRequired).toBe(true);
    // Counted from the joining, the later of it and the rule's start, as for 2FA.
    expect(new Date(told!.passkeyRequiredBy!).getTime()).toBe(joinedAt + 4 * HOUR * 1000);

    t.clock.advanceSeconds(4 * HOUR);
    expect(errorCode(await mySecurityEvents(t, within.accessToken))).toBe('TWO_FACTOR_SETUP_REQUIRED');
    const after = (await verifyLoginSecondFactor(t, await pending(admin), { code: freshCode(admin) })).data!.verifyLoginSecondFactor;
    expect(after.status).toBe('TWO_FACTOR_SETUP_REQUIRED');
    // The app code's session is held: nothing but registering a key (and the few open operations).
    expect(errorCode(await mySecurityEvents(t, after.accessToken))).toBe('TWO_FACTOR_SETUP_REQUIRED');
    expect(errorCode(await organizationMembers(t, after.accessToken, organizationId))).toBe('TWO_FACTOR_SETUP_REQUIRED');
    expect((await status(after.accessToken))!.passkeyRequiredBy).toBe(new Date(joinedAt + 4 * HOUR * 1000).toISOString());
    const key = await addPasskey(t, admin, after.accessToken);
    const full = await signInWithKey(admin, key.authenticator);
    expect((await organizationMembers(t, full, organizationId)).errors).toBeUndefined();
  });
});

describe('the edges', () => {
  it('leaves MEMBERs alone when only admins must use keys', async () => {
    const { ownerSession, organizationId } = await strictOrganization(0);
    const member = await newUserWithTwoFactor(t);
    await addPasskey(t, member, member.token);
    await addMember(t, ownerSession, organizationId, member.email, 'MEMBER');
    const signedIn = (await verifyLoginSecondFactor(t, await pending(member), { code: freshCode(member) })).data!.verifyLoginSecondFactor;
    expect(signedIn.status).toBe('AUTHENTICATED');
    expect((await status(signedIn.accessToken))!.phishingResistantRequired).toBe(false);
  });

  it('lifts the holds on the next request when the rule is turned off', async () => {
    const { owner, ownerSession, organizationId } = await strictOrganization(0);
    const admin = await newUserWithTwoFactor(t);
    await addMember(t, ownerSession, organizationId, admin.email, 'ADMIN');
    expect(errorCode(await mySecurityEvents(t, admin.token))).toBe('TWO_FACTOR_SETUP_REQUIRED');
    expect(errorCode(await mySecurityEvents(t, owner.token))).toBe('TWO_FACTOR_SETUP_REQUIRED');

    await updateSettings(ownerSession, { organizationId, requireTwoFactor: true, adminSecondFactors: 'ANY' });

    expect((await mySecurityEvents(t, owner.token)).errors).toBeUndefined();

    expect((await mySecurityEvents(t, admin.token)).errors).toBeUndefined();
  });

  it('holds to the strictest of two organizations: the earliest deadline', async () => {
    const lenient = await strictOrganization(72);
    const strict = await strictOrganization(1);
    const admin = await newUserWithTwoFactor(t);
    await addMember(t, lenient.ownerSession, lenient.organizationId, admin.email, 'ADMIN');
    await addMember(t, strict.ownerSession, strict.organizationId, admin.email, 'ADMIN');
    const told = await status(admin.token);
    expect(new Date(told!.passkeyRequiredBy!).getTime()).toBe(t.clock.now().getTime() + HOUR * 1000);
    t.clock.advanceSeconds(HOUR);
    expect(errorCode(await mySecurityEvents(t, admin.token))).toBe('TWO_FACTOR_SETUP_REQUIRED');
  });
});
