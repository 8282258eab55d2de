import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, login, me, newUser, type SignedIn } from './support/operations';
import { addMember, EVENT_FIELDS, newOrganization, organizationMembers, organizationSecurityEvents, updateOrganizationSecuritySettings } from './support/organizations';
import { addPasskey, listPasskeys } from './support/passkeys';
import { startTestApp, type TestApp } from './support/test-app';
import {
  enableTwoFactor,
  type EnabledTwoFactor,
  newUserWithTwoFactor,
  totpCode,
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

const RESET_MAIL = /administrator turned off 2-step verification|2단계 인증을 해제했습니다/;

const resetMemberTwoFactor = (t: TestApp, token: string | undefined, input: Record<string, unknown>) =>
  t.gql(
    'mutation($input: ResetMemberTwoFactorInput!) { resetMemberTwoFactor(input: $input) { role joinedAt user { id email twoFactorEnabled } } }',
    { input },
    token,
  );

type TwoFactorUser = SignedIn & EnabledTwoFactor;

/** The caller's fresh code: the clock moves one TOTP step first, so it is never a replay of the last one. */
function freshCode(user: TwoFactorUser): string {
  t.clock.advanceSeconds(30);
  return totpCode(user.secret, t.clock);
}

/** An organization owned by a user with 2FA, and a MEMBER with 2FA. */
async function organizationWithTwoFactorMember(memberRole = 'MEMBER') {
  const owner = await newUserWithTwoFactor(t);
  const organizationId = await newOrganization(t, owner.token);
  const member = await newUserWithTwoFactor(t);
  await addMember(t, owner.token, organizationId, member.email, memberRole);
  return { owner, member, organizationId };
}

async function isTwoFactorOn(user: SignedIn): Promise<boolean> {
  const result = await login(t, { email: user.email, password: user.password });
  expect(result.errors).toBeUndefined();
  return result.data!.login.status === 'SECOND_FACTOR_REQUIRED';
}

/** Signs in with the password and the authenticator, returning the full session. */
async function signInFully(user: TwoFactorUser, rememberDevice = false): Promise<{ token: string; trustedDeviceToken: string | null }> {
  const pending = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken as string;
  const verified = await verifyLoginSecondFactor(t, pending, { code: freshCode(user), rememberDevice });
  expect(verified.errors).toBeUndefined();
  return { token: verified.data!.verifyLoginSecondFactor.accessToken, trustedDeviceToken: verified.data!.verifyLoginSecondFactor.trustedDeviceToken };
}

const resetEventsOf = async (token: string, organizationId: string) =>
  ((await organizationSecurityEvents(t, token, organizationId)).data!.organizationSecurityEvents as Array<{ type: string }>).filter(
    (e) => e.type === 'TWO_FACTOR_RESET_BY_ADMIN',
  );

describe('resetMemberTwoFactor', () => {
  it("turns the member's 2FA off, removes every factor and ends every session, mails the member and records the admin as actor", async () => {
    const { owner, member, organizationId } = await organizationWithTwoFactorMember();
    await addPasskey(t, member, member.token);
    const remembered = await signInFully(member, true);
    const pending = (await login(t, { email: member.email, password: member.password })).data!.login.accessToken as string;
    const mailsBefore = t.inbox.messages.length;

    const result = await resetMemberTwoFactor(t, owner.token, { organizationId, userId: member.userId, code: freshCode(owner) });

    expect(result.errors).toBeUndefined();
    expect(result.data!.resetMemberTwoFactor).toEqual({
      role: 'MEMBER',
      joinedAt: expect.any(String),
      user: { id: member.userId, email: member.email, twoFactorEnabled: false },
    });
    // Every session of the member, full or pending, is dead on its very next request.
    for (const token of [member.token, remembered.token, pending]) expect(errorCode(await me(t, token))).toBe('UNAUTHENTICATED');

    const mail = await t.inbox.waitFor(member.email, RESET_MAIL, mailsBefore);
    expect(mail.text).toContain(owner.email);
    expect(mail.text).toContain('Acme');
    expect(mail.text).toContain(t.clock.now().toUTCString());
    expect(mail.text).toMatch(/sign in with your password and set up 2-step verification again/);
    expect(mail.text).not.toMatch(/requires it/);

    const [event] = await t.gql(`query($id: ID!) { organizationSecurityEvents(organizationId: $id) { ${EVENT_FIELDS} } }`, { id: organizationId }, owner.token)
      .then((r) => (r.data!.organizationSecurityEvents as Array<Record<string, any>>).filter((e) => e.type === 'TWO_FACTOR_RESET_BY_ADMIN'));
    expect(event).toMatchObject({ organizationId, user: { id: member.userId }, actor: { id: owner.userId } });

    // The member signs in with the password alone, sees the event with the admin as actor, and sets 2FA up again.
    const signedIn = await login(t, { email: member.email, password: member.password, trustedDeviceToken: remembered.trustedDeviceToken });
    expect(signedIn.data!.login.status).toBe('AUTHENTICATED');
    const fresh = { ...member, token: signedIn.data!.login.accessToken as string };
    const own = await t.gql('{ mySecurityEvents { type organizationId actor { id } } }', {}, fresh.token);
    expect(own.data!.mySecurityEvents).toContainEqual({ type: 'TWO_FACTOR_RESET_BY_ADMIN', organizationId, actor: { id: owner.userId } });
    expect((await twoFactorStatus(t, fresh.token)).data!.twoFactorStatus).toMatchObject({ enabled: false, recoveryCodesRemaining: 0 });
    expect((await listPasskeys(t, fresh.token)).data!.passkeys).toEqual([]);

    const again = await enableTwoFactor(t, fresh);
    // The old authenticator, recovery codes and remembered browser are gone for good.
    const afterSetup = await login(t, { email: member.email, password: member.password, trustedDeviceToken: remembered.trustedDeviceToken });
    expect(afterSetup.data!.login).toMatchObject({ status: 'SECOND_FACTOR_REQUIRED', trustedDeviceRejected: true });
    const nextPending = afterSetup.data!.login.accessToken as string;
    t.clock.advanceSeconds(30);
    expect(errorCode(await verifyLoginSecondFactor(t, nextPending, { code: totpCode(member.secret, t.clock) }))).toBe('INVALID_CODE');
    expect(errorCode(await verifyLoginSecondFactor(t, nextPending, { recoveryCode: member.recoveryCodes[0] }))).toBe('INVALID_CODE');
    expect((await verifyLoginSecondFactor(t, nextPending, { code: totpCode(again.secret, t.clock) })).errors).toBeUndefined();
  });

  it("accepts one of the admin's recovery codes instead of a code, once", async () => {
    const { owner, member, organizationId } = await organizationWithTwoFactorMember();
    const other = await newUserWithTwoFactor(t);
    await addMember(t, owner.token, organizationId, other.email);

    const first = await resetMemberTwoFactor(t, owner.token, { organizationId, userId: member.userId, recoveryCode: owner.recoveryCodes[0] });
    expect(first.errors).toBeUndefined();
    const replayed = await resetMemberTwoFactor(t, owner.token, { organizationId, userId: other.userId, recoveryCode: owner.recoveryCodes[0] });
    expect(errorCode(replayed)).toBe('INVALID_CODE');
    expect(await isTwoFactorOn(other)).toBe(true);
  });

  it("refuses a replayed admin code: the code the admin just used is spent, and the other member's 2FA stays", async () => {
    const { owner, member, organizationId } = await organizationWithTwoFactorMember();
    const other = await newUserWithTwoFactor(t);
    await addMember(t, owner.token, organizationId, other.email);
    const code = freshCode(owner);

    expect((await resetMemberTwoFactor(t, owner.token, { organizationId, userId: member.userId, code })).errors).toBeUndefined();
    const replayed = await resetMemberTwoFactor(t, owner.token, { organizationId, userId: other.userId, code });

    expect(errorCode(replayed)).toBe('INVALID_CODE');
    expect(replayed.errors![0].message).toMatch(/already used/);
    expect(await isTwoFactorOn(other)).toBe(true);
  });

  it("counts wrong codes toward the admin's own second-factor lock, and resets nothing", async () => {
    const { owner, member, organizationId } = await organizationWithTwoFactorMember();
    const wrong = wrongCode(freshCode(owner));
    for (let i = 0; i < 9; i += 1) {
      expect(errorCode(await resetMemberTwoFactor(t, owner.token, { organizationId, userId: member.userId, code: wrong }))).toBe('INVALID_CODE');
    }
    const tenth = await resetMemberTwoFactor(t, owner.token, { organizationId, userId: member.userId, code: wrong });
    expect(errorCode(tenth)).toBe('TOO_MANY_ATTEMPTS');
    // Locked now: even the right code waits, here and at the admin's own login.
    expect(errorCode(await resetMemberTwoFactor(t, owner.token, { organizationId, userId: member.userId, code: freshCode(owner) }))).toBe('TOO_MANY_ATTEMPTS');
    const pending = (await login(t, { email: owner.email, password: owner.password })).data!.login.accessToken as string;
    expect(errorCode(await verifyLoginSecondFactor(t, pending, { code: freshCode(owner) }))).toBe('TOO_MANY_ATTEMPTS');
    expect(await isTwoFactorOn(member)).toBe(true);
    expect(t.inbox.countTo(member.email, RESET_MAIL)).toBe(0);
  });

  it.each([
    ['neither code nor recoveryCode', {}],
    ['both code and recoveryCode', { code: '123456', recoveryCode: 'abcde-fghij' }],
  ])('answers %s with BAD_USER_INPUT', async (_case, factor) => {
    const { owner, member, organizationId } = await organizationWithTwoFactorMember();
    expect(errorCode(await resetMemberTwoFactor(t, owner.token, { organizationId, userId: member.userId, ...factor }))).toBe('BAD_USER_INPUT');
    expect(await isTwoFactorOn(member)).toBe(true);
  });

  describe('who may reset whom', () => {
    it('lets an ADMIN reset a MEMBER or another ADMIN, but not an OWNER (FORBIDDEN)', async () => {
      const { owner, member, organizationId } = await organizationWithTwoFactorMember();
      const admin = await newUserWithTwoFactor(t);
      const otherAdmin = await newUserWithTwoFactor(t);
      await addMember(t, owner.token, organizationId, admin.email, 'ADMIN');
      await addMember(t, owner.token, organizationId, otherAdmin.email, 'ADMIN');

      const onOwner = await resetMemberTwoFactor(t, admin.token, { organizationId, userId: owner.userId, code: freshCode(admin) });
      expect(errorCode(onOwner)).toBe('FORBIDDEN');
      expect(onOwner.errors![0].message).toMatch(/Only an owner/);
      expect(await isTwoFactorOn(owner)).toBe(true);

      expect((await resetMemberTwoFactor(t, admin.token, { organizationId, userId: member.userId, code: freshCode(admin) })).errors).toBeUndefined();
      expect((await resetMemberTwoFactor(t, admin.token, { organizationId, userId: otherAdmin.userId, code: freshCode(admin) })).errors).toBeUndefined();
    });

    it('lets an OWNER reset another OWNER', async () => {
      const { owner, organizationId } = await organizationWithTwoFactorMember();
      const coOwner = await newUserWithTwoFactor(t);
      await addMember(t, owner.token, organizationId, coOwner.email, 'OWNER');
      const result = await resetMemberTwoFactor(t, owner.token, { organizationId, userId: coOwner.userId, code: freshCode(owner) });
      expect(result.errors).toBeUndefined();
      expect(result.data!.resetMemberTwoFactor.role).toBe('OWNER');
    });

    it('refuses a MEMBER (FORBIDDEN)', async () => {
      const { owner, member, organizationId } = await organizationWithTwoFactorMember();
      const result = await resetMemberTwoFactor(t, member.token, { organizationId, userId: owner.userId, code: freshCode(member) });
      expect(errorCode(result)).toBe('FORBIDDEN');
      expect(await isTwoFactorOn(owner)).toBe(true);
    });

    it('refuses resetting oneself (FORBIDDEN), even as OWNER', async () => {
      const { owner, organizationId } = await organizationWithTwoFactorMember();
      const result = await resetMemberTwoFactor(t, owner.token, { organizationId, userId: owner.userId, code: freshCode(owner) });
      expect(errorCode(result)).toBe('FORBIDDEN');
      expect(result.errors![0].message).toMatch(/your own/);
      expect(await isTwoFactorOn(owner)).toBe(true);
    });

    it("answers NOT_FOUND for another organization's member and for another organization, and resets nothing", async () => {
      const mine = await organizationWithTwoFactorMember();
      const theirs = await organizationWithTwoFactorMember();
      const notMine = await resetMemberTwoFactor(t, mine.owner.token, { organizationId: mine.organizationId, userId: theirs.member.userId, code: freshCode(mine.owner) });
      expect(errorCode(notMine)).toBe('NOT_FOUND');
      const otherOrganization = await resetMemberTwoFactor(t, mine.owner.token, { organizationId: theirs.organizationId, userId: theirs.member.userId, code: freshCode(mine.owner) });
      expect(errorCode(otherOrganization)).toBe('NOT_FOUND');
      // Membership comes before roles: a MEMBER of one organization learns nothing of another.
      const asMember = await resetMemberTwoFactor(t, mine.member.token, { organizationId: theirs.organizationId, userId: theirs.member.userId, code: freshCode(mine.member) });
      expect(errorCode(asMember)).toBe('NOT_FOUND');
      expect(errorCode(await resetMemberTwoFactor(t, mine.owner.token, { organizationId: 'not-a-uuid', userId: theirs.member.userId, code: '123456' }))).toBe('NOT_FOUND');
      expect(await isTwoFactorOn(theirs.member)).toBe(true);
    });

    it('needs the caller to have 2FA on (FAILED_PRECONDITION)', async () => {
      const owner = await newUser(t);
      const organizationId = await newOrganization(t, owner.token);
      const member = await newUserWithTwoFactor(t);
      await addMember(t, owner.token, organizationId, member.email);
      const result = await resetMemberTwoFactor(t, owner.token, { organizationId, userId: member.userId, code: '123456' });
      expect(errorCode(result)).toBe('FAILED_PRECONDITION');
      expect(result.errors![0].message).toMatch(/your own account/);
      expect(await isTwoFactorOn(member)).toBe(true);
    });

    it('answers FAILED_PRECONDITION for a member without 2FA, and does not spend the code', async () => {
      const owner = await newUserWithTwoFactor(t);
      const organizationId = await newOrganization(t, owner.token);
      const member = await newUser(t);
      await addMember(t, owner.token, organizationId, member.email);
      const code = freshCode(owner);
      const result = await resetMemberTwoFactor(t, owner.token, { organizationId, userId: member.userId, code });
      expect(errorCode(result)).toBe('FAILED_PRECONDITION');
      expect(result.errors![0].message).toMatch(/nothing to reset/);
      const pending = (await login(t, { email: owner.email, password: owner.password })).data!.login.accessToken as string;
      expect((await verifyLoginSecondFactor(t, pending, { code })).errors).toBeUndefined();
    });
  });

  it('sends a member of an organization that requires 2FA straight to forced setup at the next login', async () => {
    const { owner, member, organizationId } = await organizationWithTwoFactorMember();
    const settings = await updateOrganizationSecuritySettings(t, owner.token, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 0 });
    expect(settings.errors).toBeUndefined();
    const mailsBefore = t.inbox.messages.length;

    expect((await resetMemberTwoFactor(t, owner.token, { organizationId, userId: member.userId, code: freshCode(owner) })).errors).toBeUndefined();

    const mail = await t.inbox.waitFor(member.email, RESET_MAIL, mailsBefore);
    expect(mail.text).toMatch(/An organization you belong to requires it/);
    const signedIn = await login(t, { email: member.email, password: member.password });
    expect(signedIn.data!.login.status).toBe('TWO_FACTOR_SETUP_REQUIRED');
    const token = signedIn.data!.login.accessToken as string;
    expect(errorCode(await organizationMembers(t, token, organizationId))).toBe('TWO_FACTOR_SETUP_REQUIRED');
    expect((await twoFactorStatus(t, token)).data!.twoFactorStatus).toMatchObject({ enabled: false, requiredByOrganization: true, setupRequiredBy: expect.any(String) });
    await enableTwoFactor(t, { ...member, token });
  });

  it("mails the member in the language of their last sign-in", async () => {
    const { owner, member, organizationId } = await organizationWithTwoFactorMember();
    await login(t, { email: member.email, password: member.password }, { 'Accept-Language': 'ko-KR' });
    const mailsBefore = t.inbox.messages.length;
    expect((await resetMemberTwoFactor(t, owner.token, { organizationId, userId: member.userId, code: freshCode(owner) })).errors).toBeUndefined();
    const mail = await t.inbox.waitFor(member.email, RESET_MAIL, mailsBefore);
    expect(mail.subject).toBe('관리자가 회원님 계정의 2단계 인증을 해제했습니다');
    expect(mail.text).toContain(owner.email);
  });

  describe('concurrency', () => {
    it('two admins of one organization resetting the same member at once: one reset, one event, one mail, the other a clear error', async () => {
      const { owner, member, organizationId } = await organizationWithTwoFactorMember();
      const admin = await newUserWithTwoFactor(t);
      await addMember(t, owner.token, organizationId, admin.email, 'ADMIN');
      const mailsBefore = t.inbox.messages.length;
      t.clock.advanceSeconds(30);

      const results = await Promise.all([
        resetMemberTwoFactor(t, owner.token, { organizationId, userId: member.userId, code: totpCode(owner.secret, t.clock) }),
        resetMemberTwoFactor(t, admin.token, { organizationId, userId: member.userId, code: totpCode(admin.secret, t.clock) }),
      ]);

      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      const refused = results.find((r) => r.errors)!;
      expect(errorCode(refused)).toBe('FAILED_PRECONDITION');
      expect(refused.errors![0].message).toMatch(/nothing to reset/);
      expect(await resetEventsOf(owner.token, organizationId)).toHaveLength(1);
      await t.inbox.waitFor(member.email, RESET_MAIL, mailsBefore);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(t.inbox.messages.slice(mailsBefore).filter((m) => m.to.includes(member.email) && RESET_MAIL.test(m.subject))).toHaveLength(1);
    });

    it('owners of two organizations resetting their shared member at once: one reset, seen once in each organization', async () => {
      const first = await organizationWithTwoFactorMember();
      const secondOwner = await newUserWithTwoFactor(t);
      const secondOrganization = await newOrganization(t, secondOwner.token, 'Globex');
      await addMember(t, secondOwner.token, secondOrganization, first.member.email);
      t.clock.advanceSeconds(30);

      const results = await Promise.all([
        resetMemberTwoFactor(t, first.owner.token, { organizationId: first.organizationId, userId: first.member.userId, code: totpCode(first.owner.secret, t.clock) }),
        resetMemberTwoFactor(t, secondOwner.token, { organizationId: secondOrganization, userId: first.member.userId, code: totpCode(secondOwner.secret, t.clock) }),
      ]);

      expect(results.map(errorCode).sort()).toEqual(['FAILED_PRECONDITION', undefined]);
      expect(await resetEventsOf(first.owner.token, first.organizationId)).toHaveLength(1);
      expect(await resetEventsOf(secondOwner.token, secondOrganization)).toHaveLength(1);
    });
  });
});

