import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, login, logout, me, mySecurityEvents, newUser, type SignedIn, uniqueEmail } from './support/operations';
import {
  addMember,
  addOrganizationMember,
  createOrganization,
  myOrganizations,
  newOrganization,
  organization,
  organizationMembers,
  organizationSecurityEvents,
  removeOrganizationMember,
  updateOrganizationMemberRole,
  updateOrganizationSecuritySettings,
} from './support/organizations';
import { inviteOrganizationMember, organizationInvitations } from './support/invitations';
import { type GraphQLResult, startTestApp, type TestApp } from './support/test-app';
import { disableTwoFactor, enableTwoFactor, totpCode, trustedDevices, twoFactorStatus } from './support/two-factor';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const HOUR_MS = 3600 * 1000;

/** A new user who has set up 2FA, holding the FULL session that setup returned. */
async function newUserWithTwoFactor(): Promise<SignedIn & { secret: string }> {
  const user = await newUser(t);
  const enabled = await enableTwoFactor(t, user);
  return { ...user, token: enabled.token, secret: enabled.secret };
}

/** An organization whose owner has 2FA (so can set its requirement) and one MEMBER without 2FA. */
async function organizationWithMember() {
  const owner = await newUserWithTwoFactor();
  const organizationId = await newOrganization(t, owner.token);
  const member = await newUser(t);
  await addMember(t, owner.token, organizationId, member.email, 'MEMBER');
  return { owner, member, organizationId };
}

async function requireTwoFactor(token: string, organizationId: string, twoFactorGracePeriodHours = 0) {
  const result = await updateOrganizationSecuritySettings(t, token, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours });
  expect(result.errors).toBeUndefined();
  return result.data!.updateOrganizationSecuritySettings;
}

async function deadlinesOf(token: string) {
  const result = await t.gql('{ twoFactorStatus { enabled requiredByOrganization setupRequiredBy setupRequiredByIfDisabled } }', {}, token);
  expect(result.errors).toBeUndefined();
  return result.data!.twoFactorStatus;
}

function fieldsOf(result: GraphQLResult): string[] {
  return (result.errors?.[0]?.extensions.fields ?? []).map((f: { field: string }) => f.field);
}

describe('createOrganization', () => {
  it('makes the caller its OWNER, with a trimmed name and the requirement off', async () => {
    const owner = await newUser(t);
    const result = await createOrganization(t, owner.token, '  Acme Corp  ');
    expect(result.errors).toBeUndefined();
    expect(result.data!.createOrganization).toEqual({
      id: expect.any(String),
      name: 'Acme Corp',
      myRole: 'OWNER',
      createdAt: t.clock.now().toISOString(),
      securitySettings: { requireTwoFactor: false, twoFactorGracePeriodHours: 0, updatedAt: null, updatedBy: null },
    });
  });

  it.each([
    ['an empty name', ''],
    ['a name of spaces', '   '],
    ['a name over 100 characters', 'n'.repeat(101)],
  ])('answers %s with BAD_USER_INPUT naming the field', async (_case, name) => {
    const owner = await newUser(t);
    const result = await createOrganization(t, owner.token, name);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(result)).toContain('name');
  });

  it('accepts a name of exactly 100 characters', async () => {
    const owner = await newUser(t);
    expect((await createOrganization(t, owner.token, 'n'.repeat(100))).data!.createOrganization.name).toHaveLength(100);
  });
});

describe('myOrganizations and organization', () => {
  it("list the caller's organizations with the caller's role, and nobody else's", async () => {
    const owner = await newUser(t);
    const admin = await newUser(t);
    const outsider = await newUser(t);
    const zeta = await newOrganization(t, owner.token, 'Zeta');
    const alpha = await newOrganization(t, owner.token, 'Alpha');
    await newOrganization(t, outsider.token, 'Outsiders');
    await addMember(t, owner.token, zeta, admin.email, 'ADMIN');

    const ownersList = (await myOrganizations(t, owner.token)).data!.myOrganizations;
    expect(ownersList.map((o: { id: string; myRole: string }) => [o.id, o.myRole])).toEqual([
      [alpha, 'OWNER'],
      [zeta, 'OWNER'],
    ]);
    const adminsList = (await myOrganizations(t, admin.token)).data!.myOrganizations;
    expect(adminsList.map((o: { id: string; myRole: string }) => [o.id, o.myRole])).toEqual([[zeta, 'ADMIN']]);

    const seenByAdmin = (await organization(t, admin.token, zeta)).data!.organization;
    expect(seenByAdmin).toMatchObject({ id: zeta, name: 'Zeta', myRole: 'ADMIN', securitySettings: { requireTwoFactor: false } });
  });

  it('is an empty list for a user in no organization', async () => {
    const loner = await newUser(t);
    expect((await myOrganizations(t, loner.token)).data!.myOrganizations).toEqual([]);
  });
});

/** A user who is already a member of another organization `manager` manages: one they may add directly. */
/** A new user the manager manages in another organization ('Elsewhere', or the one given). */
async function newUserKnownTo(manager: SignedIn, elsewhere?: string): Promise<SignedIn> {
  const user = await newUser(t);
  await addMember(t, manager.token, elsewhere ?? (await newOrganization(t, manager.token, 'Elsewhere')), user.email);
  return user;
}

describe('members', () => {
  it('an OWNER adds by email an account they already manage elsewhere, who is mailed and then sees the organization', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const joiner = await newUserKnownTo(owner);
    const mailsBefore = t.inbox.messages.length;
    const result = await addOrganizationMember(t, owner.token, { organizationId, email: `  ${joiner.email.toUpperCase()} `, role: 'MEMBER' });
    expect(result.errors).toBeUndefined();
    expect(result.data!.addOrganizationMember).toMatchObject({
      role: 'MEMBER',
      joinedAt: t.clock.now().toISOString(),
      user: { id: joiner.userId, email: joiner.email, twoFactorEnabled: false },
    });
    const seen = (await myOrganizations(t, joiner.token)).data!.myOrganizations;
    expect(seen).toEqual(expect.arrayContaining([expect.objectContaining({ id: organizationId, myRole: 'MEMBER' })]));
    const mail = await t.inbox.waitFor(joiner.email, /You were added to “Acme”/, mailsBefore);
    expect(mail.text).toContain('as MEMBER');
  });

  it('answers an account it may not add directly exactly like an unknown email, pointing to inviting', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const stranger = await newUser(t); // has an account, in no organization of the owner
    const colleague = await newUser(t); // shares an organization with the owner, who is only a MEMBER there
    const otherOwner = await newUser(t);
    const shared = await newOrganization(t, otherOwner.token, 'Shared');
    await addMember(t, otherOwner.token, shared, colleague.email);
    await addMember(t, otherOwner.token, shared, owner.email);

    const answers = await Promise.all([uniqueEmail('nobody'), stranger.email, colleague.email].map(async (email) => {
      const result = await addOrganizationMember(t, owner.token, { organizationId, email, role: 'MEMBER' });
      return { code: errorCode(result), message: result.errors?.[0]?.message };
    }));
    expect(answers[0]).toEqual({ code: 'NOT_FOUND', message: expect.stringContaining('inviteOrganizationMember') });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it('answers an unknown email with NOT_FOUND, a member already in with CONFLICT, a malformed email with BAD_USER_INPUT', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const member = await newUser(t);
    await addMember(t, owner.token, organizationId, member.email);

    expect(errorCode(await addOrganizationMember(t, owner.token, { organizationId, email: uniqueEmail('nobody'), role: 'MEMBER' }))).toBe('NOT_FOUND');
    expect(errorCode(await addOrganizationMember(t, owner.token, { organizationId, email: member.email, role: 'ADMIN' }))).toBe('CONFLICT');
    expect(errorCode(await addOrganizationMember(t, owner.token, { organizationId, email: owner.email, role: 'MEMBER' }))).toBe('CONFLICT');
    const malformed = await addOrganizationMember(t, owner.token, { organizationId, email: 'not-an-email', role: 'MEMBER' });
    expect(errorCode(malformed)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(malformed)).toContain('email');
  });

  it("organizationMembers shows each member's role and whether they have 2FA", async () => {
    const owner = await newUserWithTwoFactor();
    const organizationId = await newOrganization(t, owner.token);
    const admin = await newUser(t);
    const member = await newUser(t);
    await addMember(t, owner.token, organizationId, admin.email, 'ADMIN');
    await addMember(t, owner.token, organizationId, member.email, 'MEMBER');

    const listed = (await organizationMembers(t, admin.token, organizationId)).data!.organizationMembers;
    expect(listed.map((m: { role: string; user: { id: string; twoFactorEnabled: boolean } }) => [m.user.id, m.role, m.user.twoFactorEnabled])).toEqual([
      [owner.userId, 'OWNER', true],
      [admin.userId, 'ADMIN', false],
      [member.userId, 'MEMBER', false],
    ]);
  });

  it('refuses a MEMBER every management operation with FORBIDDEN, and changes nothing', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const member = await newUserWithTwoFactor();
    const other = await newUser(t);
    await addMember(t, owner.token, organizationId, member.email, 'MEMBER');
    await addMember(t, owner.token, organizationId, other.email, 'MEMBER');
    const stranger = await newUser(t);

    const attempts = [
      organizationMembers(t, member.token, organizationId),
      organizationSecurityEvents(t, member.token, organizationId),
      addOrganizationMember(t, member.token, { organizationId, email: stranger.email, role: 'MEMBER' }),
      updateOrganizationMemberRole(t, member.token, { organizationId, userId: other.userId, role: 'ADMIN' }),
      updateOrganizationMemberRole(t, member.token, { organizationId, userId: member.userId, role: 'ADMIN' }),
      removeOrganizationMember(t, member.token, { organizationId, userId: other.userId }),
      updateOrganizationSecuritySettings(t, member.token, { organizationId, requireTwoFactor: true }),
    ];
    for (const result of await Promise.all(attempts)) expect(errorCode(result)).toBe('FORBIDDEN');

    const members = (await organizationMembers(t, owner.token, organizationId)).data!.organizationMembers;
    expect(members.map((m: { role: string }) => m.role)).toEqual(['OWNER', 'MEMBER', 'MEMBER']);
    expect((await organization(t, owner.token, organizationId)).data!.organization.securitySettings.requireTwoFactor).toBe(false);
  });

  it('an ADMIN manages admins and members but never grants or takes OWNER', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const admin = await newUser(t);
    await addMember(t, owner.token, organizationId, admin.email, 'ADMIN');
    const member = await newUserKnownTo(admin);

    expect(errorCode(await addOrganizationMember(t, admin.token, { organizationId, email: member.email, role: 'OWNER' }))).toBe('FORBIDDEN');
    expect((await addOrganizationMember(t, admin.token, { organizationId, email: member.email, role: 'MEMBER' })).errors).toBeUndefined();
    expect(errorCode(await updateOrganizationMemberRole(t, admin.token, { organizationId, userId: member.userId, role: 'OWNER' }))).toBe('FORBIDDEN');
    expect(errorCode(await updateOrganizationMemberRole(t, admin.token, { organizationId, userId: admin.userId, role: 'OWNER' }))).toBe('FORBIDDEN');
    expect(errorCode(await updateOrganizationMemberRole(t, admin.token, { organizationId, userId: owner.userId, role: 'ADMIN' }))).toBe('FORBIDDEN');
    expect(errorCode(await removeOrganizationMember(t, admin.token, { organizationId, userId: owner.userId }))).toBe('FORBIDDEN');

    const promoted = await updateOrganizationMemberRole(t, admin.token, { organizationId, userId: member.userId, role: 'ADMIN' });
    expect(promoted.data!.updateOrganizationMemberRole).toMatchObject({ role: 'ADMIN', user: { id: member.userId } });
    expect((await updateOrganizationMemberRole(t, admin.token, { organizationId, userId: member.userId, role: 'MEMBER' })).errors).toBeUndefined();
    expect((await removeOrganizationMember(t, admin.token, { organizationId, userId: member.userId })).data!.removeOrganizationMember).toBe(true);

    expect(errorCode(await organization(t, member.token, organizationId))).toBe('NOT_FOUND');
    const members = (await organizationMembers(t, owner.token, organizationId)).data!.organizationMembers;
    expect(members.map((m: { user: { id: string }; role: string }) => [m.user.id, m.role])).toEqual([
      [owner.userId, 'OWNER'],
      [admin.userId, 'ADMIN'],
    ]);
  });

  it('an OWNER grants and takes OWNER', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const second = await newUser(t);
    const third = await newUser(t);
    await addMember(t, owner.token, organizationId, second.email, 'OWNER');
    await addMember(t, owner.token, organizationId, third.email, 'MEMBER');
    expect((await updateOrganizationMemberRole(t, owner.token, { organizationId, userId: third.userId, role: 'OWNER' })).errors).toBeUndefined();
    expect((await updateOrganizationMemberRole(t, second.token, { organizationId, userId: owner.userId, role: 'MEMBER' })).errors).toBeUndefined();
    expect((await removeOrganizationMember(t, third.token, { organizationId, userId: second.userId })).errors).toBeUndefined();
    expect((await organization(t, third.token, organizationId)).data!.organization.myRole).toBe('OWNER');
    expect((await organization(t, owner.token, organizationId)).data!.organization.myRole).toBe('MEMBER');
  });

  it('keeps the last OWNER: neither removed nor demoted (FAILED_PRECONDITION)', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const admin = await newUser(t);
    await addMember(t, owner.token, organizationId, admin.email, 'ADMIN');

    for (const role of ['ADMIN', 'MEMBER']) {
      expect(errorCode(await updateOrganizationMemberRole(t, owner.token, { organizationId, userId: owner.userId, role }))).toBe('FAILED_PRECONDITION');
    }
    expect(errorCode(await removeOrganizationMember(t, owner.token, { organizationId, userId: owner.userId }))).toBe('FAILED_PRECONDITION');
    expect((await organization(t, owner.token, organizationId)).data!.organization.myRole).toBe('OWNER');

    // With a second owner, the first may step down.
    await updateOrganizationMemberRole(t, owner.token, { organizationId, userId: admin.userId, role: 'OWNER' });
    expect((await updateOrganizationMemberRole(t, owner.token, { organizationId, userId: owner.userId, role: 'MEMBER' })).errors).toBeUndefined();
    expect(errorCode(await removeOrganizationMember(t, admin.token, { organizationId, userId: admin.userId }))).toBe('FAILED_PRECONDITION');
  });

  it('keeps one OWNER when two owners step down, or demote each other, at the same moment', async () => {
    const stepDowns = (first: SignedIn, second: SignedIn, organizationId: string) => [
      updateOrganizationMemberRole(t, first.token, { organizationId, userId: first.userId, role: 'MEMBER' }),
      removeOrganizationMember(t, second.token, { organizationId, userId: second.userId }),
    ];
    const demotions = (first: SignedIn, second: SignedIn, organizationId: string) => [
      updateOrganizationMemberRole(t, first.token, { organizationId, userId: second.userId, role: 'ADMIN' }),
      updateOrganizationMemberRole(t, second.token, { organizationId, userId: first.userId, role: 'ADMIN' }),
    ];
    for (const race of [stepDowns, demotions, stepDowns, demotions]) {
      const first = await newUser(t);
      const organizationId = await newOrganization(t, first.token);
      const second = await newUser(t);
      await addMember(t, first.token, organizationId, second.email, 'OWNER');

      const results = await Promise.all(race(first, second, organizationId));
      expect(results.filter((result) => result.errors === undefined)).toHaveLength(1);
      expect(results.map(errorCode).filter(Boolean)).toEqual([race === stepDowns ? 'FAILED_PRECONDITION' : 'FORBIDDEN']);
      const roles = await Promise.all([first, second].map(async (user) => (await organization(t, user.token, organizationId)).data?.organization?.myRole));
      expect(roles.filter((role) => role === 'OWNER')).toHaveLength(1);
    }
  });

  it('adds many members at the same moment without starving the connection pool', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const elsewhere = await newOrganization(t, owner.token, 'Elsewhere');
    const joiners = await Promise.all(Array.from({ length: 15 }, () => newUserKnownTo(owner, elsewhere)));
    const results = await Promise.all(joiners.map((joiner) => addOrganizationMember(t, owner.token, { organizationId, email: joiner.email, role: 'MEMBER' })));
    expect(results.map((result) => result.errors)).toEqual(joiners.map(() => undefined));
    expect((await organizationMembers(t, owner.token, organizationId)).data!.organizationMembers).toHaveLength(16);
  });

  it('setting the role a member already has changes nothing', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const member = await newUser(t);
    await addMember(t, owner.token, organizationId, member.email, 'MEMBER');
    const same = await updateOrganizationMemberRole(t, owner.token, { organizationId, userId: member.userId, role: 'MEMBER' });
    expect(same.data!.updateOrganizationMemberRole.role).toBe('MEMBER');
    const events = (await organizationSecurityEvents(t, owner.token, organizationId)).data!.organizationSecurityEvents;
    expect(events.map((e: { type: string }) => e.type)).not.toContain('ORGANIZATION_ROLE_CHANGED');
  });

  it('answers a user who is not a member, or an id that is not one, with NOT_FOUND', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const outsider = await newUser(t);
    for (const userId of [outsider.userId, randomUUID(), 'not-a-uuid', '']) {
      expect(errorCode(await updateOrganizationMemberRole(t, owner.token, { organizationId, userId, role: 'ADMIN' }))).toBe('NOT_FOUND');
      expect(errorCode(await removeOrganizationMember(t, owner.token, { organizationId, userId }))).toBe('NOT_FOUND');
    }
  });
});

describe('updateOrganizationSecuritySettings', () => {
  it('refuses an OWNER without 2FA with FAILED_PRECONDITION', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const result = await updateOrganizationSecuritySettings(t, owner.token, { organizationId, requireTwoFactor: true });
    expect(errorCode(result)).toBe('FAILED_PRECONDITION');
    expect((await organization(t, owner.token, organizationId)).data!.organization.securitySettings.requireTwoFactor).toBe(false);
  });

  it('refuses a MEMBER with FORBIDDEN, with or without 2FA', async () => {
    const { owner, member, organizationId } = await organizationWithMember();
    const memberWithTwoFactor = await newUserWithTwoFactor();
    await addMember(t, owner.token, organizationId, memberWithTwoFactor.email, 'MEMBER');
    for (const token of [member.token, memberWithTwoFactor.token]) {
      expect(errorCode(await updateOrganizationSecuritySettings(t, token, { organizationId, requireTwoFactor: true }))).toBe('FORBIDDEN');
    }
  });

  it('lets an ADMIN with 2FA set the requirement, and says who and when', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const admin = await newUserWithTwoFactor();
    await addMember(t, owner.token, organizationId, admin.email, 'ADMIN');

    const saved = await requireTwoFactor(admin.token, organizationId, 72);
    expect(saved).toMatchObject({
      requireTwoFactor: true,
      twoFactorGracePeriodHours: 72,
      updatedAt: t.clock.now().toISOString(),
      updatedBy: { id: admin.userId, email: admin.email, twoFactorEnabled: true },
    });
    const seen = (await organization(t, admin.token, organizationId)).data!.organization.securitySettings;
    expect(seen).toEqual(saved);
  });

  it.each([
    ['negative', -1],
    ['over 720', 721],
  ])('answers a %s grace period with BAD_USER_INPUT', async (_case, hours) => {
    const owner = await newUserWithTwoFactor();
    const organizationId = await newOrganization(t, owner.token);
    const result = await updateOrganizationSecuritySettings(t, owner.token, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: hours });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(result)).toContain('twoFactorGracePeriodHours');
  });

  it('accepts 0 and 720 hours, and keeps the grace period when it is left out', async () => {
    const owner = await newUserWithTwoFactor();
    const organizationId = await newOrganization(t, owner.token);
    expect((await requireTwoFactor(owner.token, organizationId, 720)).twoFactorGracePeriodHours).toBe(720);
    const leftOut = await updateOrganizationSecuritySettings(t, owner.token, { organizationId, requireTwoFactor: false });
    expect(leftOut.data!.updateOrganizationSecuritySettings).toMatchObject({ requireTwoFactor: false, twoFactorGracePeriodHours: 720 });
    expect((await requireTwoFactor(owner.token, organizationId, 0)).twoFactorGracePeriodHours).toBe(0);
  });
});

describe('the 2FA requirement, enforced by the guard', () => {
  it('blocks an existing session of a member on its very next request once the requirement is on', async () => {
    const { owner, member, organizationId } = await organizationWithMember();
    const bystander = await newUser(t);
    const secondSession = (await login(t, { email: member.email, password: member.password })).data!.login.accessToken;
    expect((await mySecurityEvents(t, member.token)).errors).toBeUndefined();

    const turnedOnAt = t.clock.now().toISOString();
    await requireTwoFactor(owner.token, organizationId, 0);

    for (const result of [
      await mySecurityEvents(t, member.token),
      await organization(t, member.token, organizationId),
      await trustedDevices(t, member.token),
      await mySecurityEvents(t, member.token),
      await createOrganization(t, member.token, 'Escape'),
    ]) {
      expect(errorCode(result)).toBe('TWO_FACTOR_SETUP_REQUIRED');
    }
    // Still open: me, twoFactorStatus, logout (and the setup mutations, used below).
    expect((await me(t, member.token)).data!.me.id).toBe(member.userId);
    const status = (await twoFactorStatus(t, member.token)).data!.twoFactorStatus;
    expect(status).toMatchObject({ enabled: false, requiredByOrganization: true, setupRequiredBy: turnedOnAt });
    expect((await logout(t, secondSession)).data!.logout).toBe(true);

    // Members with 2FA and people outside the organization are not affected.
    expect((await mySecurityEvents(t, owner.token)).errors).toBeUndefined();
    expect((await mySecurityEvents(t, bystander.token)).errors).toBeUndefined();

    // Turning the requirement off lets the member back in at once.
    await updateOrganizationSecuritySettings(t, owner.token, { organizationId, requireTwoFactor: false });
    expect((await mySecurityEvents(t, member.token)).errors).toBeUndefined();
    expect((await twoFactorStatus(t, member.token)).data!.twoFactorStatus).toMatchObject({ requiredByOrganization: false, setupRequiredBy: null });
  });

  it('forces setup from login to a full session', async () => {
    const { owner, member, organizationId } = await organizationWithMember();
    await requireTwoFactor(owner.token, organizationId, 0);

    const signedIn = (await login(t, { email: member.email, password: member.password })).data!.login;
    expect(signedIn.status).toBe('TWO_FACTOR_SETUP_REQUIRED');
    expect((await me(t, signedIn.accessToken)).data!.me.email).toBe(member.email);
    expect(errorCode(await trustedDevices(t, signedIn.accessToken))).toBe('TWO_FACTOR_SETUP_REQUIRED');
    expect(errorCode(await mySecurityEvents(t, signedIn.accessToken))).toBe('TWO_FACTOR_SETUP_REQUIRED');

    const enabled = await enableTwoFactor(t, { ...member, token: signedIn.accessToken });
    expect(errorCode(await me(t, signedIn.accessToken))).toBe('UNAUTHENTICATED');
    const organizations = await myOrganizations(t, enabled.token);
    expect(organizations.errors).toBeUndefined();
    expect(organizations.data!.myOrganizations[0].id).toBe(organizationId);
    expect((await trustedDevices(t, enabled.token)).errors).toBeUndefined();
  });

  it('lets members work through the grace period, then blocks the same session', async () => {
    const { owner, member, organizationId } = await organizationWithMember();
    await requireTwoFactor(owner.token, organizationId, 2);
    const deadline = t.clock.now().getTime() + 2 * HOUR_MS;

    expect((await mySecurityEvents(t, member.token)).errors).toBeUndefined();
    expect((await login(t, { email: member.email, password: member.password })).data!.login.status).toBe('AUTHENTICATED');
    const status = (await twoFactorStatus(t, member.token)).data!.twoFactorStatus;
    expect(status).toMatchObject({ requiredByOrganization: true, setupRequiredBy: new Date(deadline).toISOString() });

    t.clock.advanceSeconds((deadline - t.clock.now().getTime()) / 1000 - 1);
    expect((await mySecurityEvents(t, member.token)).errors).toBeUndefined();
    t.clock.advanceSeconds(1);
    expect(errorCode(await mySecurityEvents(t, member.token))).toBe('TWO_FACTOR_SETUP_REQUIRED');
    expect((await login(t, { email: member.email, password: member.password })).data!.login.status).toBe('TWO_FACTOR_SETUP_REQUIRED');
  });

  it('gives a member of several organizations the earliest deadline', async () => {
    const owner = await newUserWithTwoFactor();
    const relaxed = await newOrganization(t, owner.token, 'Relaxed');
    const strict = await newOrganization(t, owner.token, 'Strict');
    const lax = await newOrganization(t, owner.token, 'No requirement');
    const member = await newUser(t);
    for (const organizationId of [relaxed, strict, lax]) await addMember(t, owner.token, organizationId, member.email);

    await requireTwoFactor(owner.token, relaxed, 5);
    const relaxedDeadline = t.clock.now().getTime() + 5 * HOUR_MS;
    t.clock.advanceMinutes(30);
    await requireTwoFactor(owner.token, strict, 1);
    const strictDeadline = t.clock.now().getTime() + 1 * HOUR_MS;
    expect(strictDeadline).toBeLessThan(relaxedDeadline);

    const status = (await twoFactorStatus(t, member.token)).data!.twoFactorStatus;
    expect(status.setupRequiredBy).toBe(new Date(strictDeadline).toISOString());
    t.clock.advanceMinutes(60);
    expect(errorCode(await mySecurityEvents(t, member.token))).toBe('TWO_FACTOR_SETUP_REQUIRED');
  });

  it('keeps the moment the requirement began when it is saved again; grace hours count from it', async () => {
    const { owner, member, organizationId } = await organizationWithMember();
    await requireTwoFactor(owner.token, organizationId, 5);
    const began = t.clock.now().getTime();
    t.clock.advanceMinutes(120);

    await requireTwoFactor(owner.token, organizationId, 5);
    expect((await twoFactorStatus(t, member.token)).data!.twoFactorStatus.setupRequiredBy).toBe(new Date(began + 5 * HOUR_MS).toISOString());
    expect((await mySecurityEvents(t, member.token)).errors).toBeUndefined();

    // Shortening the grace period to one hour ends it at once: it counts from when the requirement began.
    await requireTwoFactor(owner.token, organizationId, 1);
    expect(errorCode(await mySecurityEvents(t, member.token))).toBe('TWO_FACTOR_SETUP_REQUIRED');

    // Off and on again starts afresh.
    await updateOrganizationSecuritySettings(t, owner.token, { organizationId, requireTwoFactor: false });
    await requireTwoFactor(owner.token, organizationId, 1);
    expect((await mySecurityEvents(t, member.token)).errors).toBeUndefined();
    expect((await twoFactorStatus(t, member.token)).data!.twoFactorStatus.setupRequiredBy).toBe(new Date(t.clock.now().getTime() + HOUR_MS).toISOString());
  });

  it('sends a user who disables 2FA while required back to forced setup', async () => {
    const owner = await newUserWithTwoFactor();
    const organizationId = await newOrganization(t, owner.token);
    const member = await newUserWithTwoFactor();
    await addMember(t, owner.token, organizationId, member.email);
    await requireTwoFactor(owner.token, organizationId, 0);
    expect((await mySecurityEvents(t, member.token)).errors).toBeUndefined();
    // The console warns before: no grace left, so turning it off would leave only setup open at once.
    expect(await deadlinesOf(member.token)).toEqual({ enabled: true, requiredByOrganization: true, setupRequiredBy: null, setupRequiredByIfDisabled: null });

    const disabled = await disableTwoFactor(t, member.token, { password: member.password, code: totpCode(member.secret, t.clock) });
    expect(disabled.errors).toBeUndefined();
    expect(errorCode(await mySecurityEvents(t, member.token))).toBe('TWO_FACTOR_SETUP_REQUIRED');
    expect((await me(t, member.token)).data!.me.twoFactorEnabled).toBe(false);
  });

  it('tells a member with 2FA by when they would have to set it up again, and turning it off keeps that deadline', async () => {
    const owner = await newUserWithTwoFactor();
    const organizationId = await newOrganization(t, owner.token);
    const member = await newUserWithTwoFactor();
    await addMember(t, owner.token, organizationId, member.email);
    await requireTwoFactor(owner.token, organizationId, 2);
    const deadline = new Date(t.clock.now().getTime() + 2 * HOUR_MS).toISOString();
    expect(await deadlinesOf(member.token)).toEqual({ enabled: true, requiredByOrganization: true, setupRequiredBy: null, setupRequiredByIfDisabled: deadline });
    expect(await deadlinesOf(owner.token)).toMatchObject({ enabled: true, setupRequiredByIfDisabled: deadline });

    // An hour later the member turns it off: the grace period does not start again.
    t.clock.advanceMinutes(60);
    const disabled = await disableTwoFactor(t, member.token, { password: member.password, code: totpCode(member.secret, t.clock) });
    expect(disabled.errors).toBeUndefined();
    expect(await deadlinesOf(member.token)).toEqual({ enabled: false, requiredByOrganization: true, setupRequiredBy: deadline, setupRequiredByIfDisabled: null });
    expect((await mySecurityEvents(t, member.token)).errors).toBeUndefined();
    t.clock.advanceMinutes(60);
    expect(errorCode(await mySecurityEvents(t, member.token))).toBe('TWO_FACTOR_SETUP_REQUIRED');

    // Nothing required: nothing to warn about.
    const outsider = await newUserWithTwoFactor();
    expect(await deadlinesOf(outsider.token)).toEqual({ enabled: true, requiredByOrganization: false, setupRequiredBy: null, setupRequiredByIfDisabled: null });
  });

  it('blocks an ADMIN without 2FA too, even from the security settings', async () => {
    const owner = await newUserWithTwoFactor();
    const organizationId = await newOrganization(t, owner.token);
    const admin = await newUser(t);
    await addMember(t, owner.token, organizationId, admin.email, 'ADMIN');
    await requireTwoFactor(owner.token, organizationId, 0);
    const result = await updateOrganizationSecuritySettings(t, admin.token, { organizationId, requireTwoFactor: false });
    expect(errorCode(result)).toBe('TWO_FACTOR_SETUP_REQUIRED');
  });
});

describe('organizationSecurityEvents', () => {
  it("lists the organization's member and settings events, newest first, with organizationId", async () => {
    const owner = await newUserWithTwoFactor();
    const organizationId = await newOrganization(t, owner.token);
    const otherOrganization = await newOrganization(t, owner.token, 'Other');
    const member = await newUser(t);
    const admin = await newUser(t);
    await addMember(t, owner.token, organizationId, member.email);
    await addMember(t, owner.token, otherOrganization, member.email);
    await addMember(t, owner.token, organizationId, admin.email, 'ADMIN');
    await updateOrganizationMemberRole(t, owner.token, { organizationId, userId: member.userId, role: 'ADMIN' });
    await removeOrganizationMember(t, owner.token, { organizationId, userId: member.userId });
    await requireTwoFactor(owner.token, organizationId, 24);

    const events = (await organizationSecurityEvents(t, admin.token, organizationId)).data!.organizationSecurityEvents;
    type Event = { type: string; user: { id: string }; actor: { id: string } | null };
    expect(events.map((e: Event) => [e.type, e.user.id, e.actor?.id ?? null])).toEqual([
      ['ORGANIZATION_SECURITY_SETTINGS_CHANGED', owner.userId, null],
      ['ORGANIZATION_MEMBER_REMOVED', member.userId, owner.userId],
      ['ORGANIZATION_ROLE_CHANGED', member.userId, owner.userId],
      ['ORGANIZATION_INVITATION_ACCEPTED', admin.userId, null],
      ['ORGANIZATION_INVITATION_SENT', owner.userId, null],
      ['ORGANIZATION_INVITATION_ACCEPTED', member.userId, null],
      ['ORGANIZATION_INVITATION_SENT', owner.userId, null],
    ]);
    expect(events.every((e: { organizationId: string }) => e.organizationId === organizationId)).toBe(true);

    const newest = (await organizationSecurityEvents(t, owner.token, organizationId, 1)).data!.organizationSecurityEvents;
    expect(newest.map((e: { type: string }) => e.type)).toEqual(['ORGANIZATION_SECURITY_SETTINGS_CHANGED']);

    // The member affected sees the event in their own log too.
    const own = (await mySecurityEvents(t, member.token)).data!.mySecurityEvents;
    expect(own[0]).toMatchObject({ type: 'ORGANIZATION_MEMBER_REMOVED', organizationId });
  });

  it('refuses a page size out of range', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    expect(errorCode(await organizationSecurityEvents(t, owner.token, organizationId, 0))).toBe('BAD_USER_INPUT');
    expect(errorCode(await organizationSecurityEvents(t, owner.token, organizationId, 201))).toBe('BAD_USER_INPUT');
  });
});

describe("another organization's ids", () => {
  it('behave as if they did not exist (NOT_FOUND, never FORBIDDEN), and change nothing', async () => {
    const ownerA = await newUserWithTwoFactor();
    await newOrganization(t, ownerA.token, 'A');
    const ownerB = await newUser(t);
    const organizationB = await newOrganization(t, ownerB.token, 'B');
    const memberB = await newUser(t);
    await addMember(t, ownerB.token, organizationB, memberB.email);
    const recruit = await newUser(t);

    for (const organizationId of [organizationB, randomUUID(), 'not-a-uuid', '', "' OR '1'='1"]) {
      const attempts = {
        organization: await organization(t, ownerA.token, organizationId),
        organizationMembers: await organizationMembers(t, ownerA.token, organizationId),
        organizationSecurityEvents: await organizationSecurityEvents(t, ownerA.token, organizationId),
        addOrganizationMember: await addOrganizationMember(t, ownerA.token, { organizationId, email: recruit.email, role: 'OWNER' }),
        updateOrganizationMemberRole: await updateOrganizationMemberRole(t, ownerA.token, { organizationId, userId: memberB.userId, role: 'OWNER' }),
        removeOrganizationMember: await removeOrganizationMember(t, ownerA.token, { organizationId, userId: ownerB.userId }),
        updateOrganizationSecuritySettings: await updateOrganizationSecuritySettings(t, ownerA.token, { organizationId, requireTwoFactor: true }),
        inviteOrganizationMember: await inviteOrganizationMember(t, ownerA.token, { organizationId, email: recruit.email, role: 'MEMBER' }),
        organizationInvitations: await organizationInvitations(t, ownerA.token, organizationId),
      };
      for (const [operation, result] of Object.entries(attempts)) {
        expect({ operation, organizationId, code: errorCode(result) }).toEqual({ operation, organizationId, code: 'NOT_FOUND' });
      }
    }

    const membersB = (await organizationMembers(t, ownerB.token, organizationB)).data!.organizationMembers;
    expect(membersB.map((m: { user: { id: string }; role: string }) => [m.user.id, m.role])).toEqual([
      [ownerB.userId, 'OWNER'],
      [memberB.userId, 'MEMBER'],
    ]);
    expect((await organization(t, ownerB.token, organizationB)).data!.organization.securitySettings.requireTwoFactor).toBe(false);
    expect((await myOrganizations(t, recruit.token)).data!.myOrganizations).toEqual([]);
    // memberB's invitation, sent and accepted; nothing from ownerA.
    expect((await organizationSecurityEvents(t, ownerB.token, organizationB)).data!.organizationSecurityEvents).toHaveLength(2);
  });

  it("cannot reach another organization's members through one's own organization", async () => {
    const ownerA = await newUser(t);
    const organizationA = await newOrganization(t, ownerA.token, 'A');
    const ownerB = await newUser(t);
    await newOrganization(t, ownerB.token, 'B');
    expect(errorCode(await updateOrganizationMemberRole(t, ownerA.token, { organizationId: organizationA, userId: ownerB.userId, role: 'MEMBER' }))).toBe('NOT_FOUND');
    expect(errorCode(await removeOrganizationMember(t, ownerA.token, { organizationId: organizationA, userId: ownerB.userId }))).toBe('NOT_FOUND');
  });
});

describe('every organizations operation', () => {
  const operations = (organizationId: string, userId: string) => ({
    createOrganization: (token?: string) => createOrganization(t, token, 'Acme'),
    myOrganizations: (token?: string) => myOrganizations(t, token),
    organization: (token?: string) => organization(t, token, organizationId),
    organizationMembers: (token?: string) => organizationMembers(t, token, organizationId),
    organizationSecurityEvents: (token?: string) => organizationSecurityEvents(t, token, organizationId),
    addOrganizationMember: (token?: string) => addOrganizationMember(t, token, { organizationId, email: uniqueEmail(), role: 'MEMBER' }),
    updateOrganizationMemberRole: (token?: string) => updateOrganizationMemberRole(t, token, { organizationId, userId, role: 'ADMIN' }),
    removeOrganizationMember: (token?: string) => removeOrganizationMember(t, token, { organizationId, userId }),
    updateOrganizationSecuritySettings: (token?: string) => updateOrganizationSecuritySettings(t, token, { organizationId, requireTwoFactor: true }),
  });

  it('is protected: UNAUTHENTICATED without a session, SECOND_FACTOR_REQUIRED before the second factor', async () => {
    const owner = await newUserWithTwoFactor();
    const organizationId = await newOrganization(t, owner.token);
    const pending = (await login(t, { email: owner.email, password: owner.password })).data!.login;
    expect(pending.status).toBe('SECOND_FACTOR_REQUIRED');
    for (const [name, call] of Object.entries(operations(organizationId, owner.userId))) {
      expect({ name, code: errorCode(await call()) }).toEqual({ name, code: 'UNAUTHENTICATED' });
      expect({ name, code: errorCode(await call(pending.accessToken)) }).toEqual({ name, code: 'SECOND_FACTOR_REQUIRED' });
    }
  });

  it('is closed to a user overdue for a required 2FA setup', async () => {
    const { owner, member, organizationId } = await organizationWithMember();
    await addMember(t, owner.token, organizationId, (await newUser(t)).email);
    await updateOrganizationMemberRole(t, owner.token, { organizationId, userId: member.userId, role: 'ADMIN' });
    await requireTwoFactor(owner.token, organizationId, 0);
    // Seeing one's organizations and leaving one stay open (see the next describe).
    const { myOrganizations: _open, ...closed } = operations(organizationId, owner.userId);
    for (const [name, call] of Object.entries(closed)) {
      expect({ name, code: errorCode(await call(member.token)) }).toEqual({ name, code: 'TWO_FACTOR_SETUP_REQUIRED' });
    }
  });
});

describe('an organization that adds someone and requires 2FA of them at once', () => {
  it('cannot trap them: they see which organization requires it and can leave it', async () => {
    const attacker = await newUserWithTwoFactor();
    const organizationId = await newOrganization(t, attacker.token, 'Totally Legit Inc');
    const victim = await newUser(t);
    const bystander = await newUser(t);
    await addMember(t, attacker.token, organizationId, victim.email, 'ADMIN');
    await addMember(t, attacker.token, organizationId, bystander.email);
    await updateOrganizationSecuritySettings(t, attacker.token, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 0 });
    expect(errorCode(await mySecurityEvents(t, victim.token))).toBe('TWO_FACTOR_SETUP_REQUIRED');

    const mine = await myOrganizations(t, victim.token);
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.myOrganizations.map((o: { name: string }) => o.name)).toEqual(['Totally Legit Inc']);
    const status = await t.gql('{ twoFactorStatus { requiredByOrganization requiringOrganizations { id name } } }', {}, victim.token);
    expect(status.data!.twoFactorStatus.requiringOrganizations).toEqual([{ id: organizationId, name: 'Totally Legit Inc' }]);

    // Leaving is all that opens: managing other members still waits for 2FA.
    expect(errorCode(await removeOrganizationMember(t, victim.token, { organizationId, userId: bystander.userId }))).toBe('TWO_FACTOR_SETUP_REQUIRED');
    expect((await removeOrganizationMember(t, victim.token, { organizationId, userId: victim.userId })).errors).toBeUndefined();
    expect((await mySecurityEvents(t, victim.token)).errors).toBeUndefined();
    expect((await myOrganizations(t, victim.token)).data!.myOrganizations).toEqual([]);
  });

  it('lets any member leave, but not the last owner', async () => {
    const { owner, member, organizationId } = await organizationWithMember();
    expect((await removeOrganizationMember(t, member.token, { organizationId, userId: member.userId })).errors).toBeUndefined();
    expect(errorCode(await removeOrganizationMember(t, owner.token, { organizationId, userId: owner.userId }))).toBe('FAILED_PRECONDITION');
  });
});
