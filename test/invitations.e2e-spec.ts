import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvitationsService } from '../src/invitations/invitations.service';
import { DataPruningService } from '../src/maintenance/data-pruning.service';
import { TwoFactorRequirementService } from '../src/organizations/two-factor-requirement.service';
import {
  acceptInvitation,
  declineInvitation,
  INVITATION_SUBJECT,
  invitationLinkFor,
  invitationTokenFor,
  inviteOrganizationMember,
  myInvitations,
  organizationInvitations,
  revokeInvitation,
} from './support/invitations';
import { AUTH_FIELDS, DEFAULT_PASSWORD, errorCode, mySecurityEvents, newUser, type SignedIn, uniqueEmail } from './support/operations';
import { addMember, addOrganizationMember, myOrganizations, newOrganization, organizationMembers, organizationSecurityEvents, updateOrganizationSecuritySettings } from './support/organizations';
import { startTestApp, type TestApp } from './support/test-app';
import { confirmEmail, enableTwoFactor, twoFactorStatus } from './support/two-factor';

const PUBLIC_URL = 'https://console.example.test';
const HOUR_MS = 3600 * 1000;

let t: TestApp;
beforeAll(async () => {
  // Sessions outlive the days these tests move the clock through.
  t = await startTestApp({ config: { publicUrl: PUBLIC_URL, sessionTtlHours: 720 } });
});
afterAll(async () => {
  await t.close();
});

async function newUserWithTwoFactor(): Promise<SignedIn> {
  const user = await newUser(t);
  return { ...user, token: (await enableTwoFactor(t, user)).token };
}

/** Invites and returns the mailed token; fails the test when refused. */
async function invite(managerToken: string, organizationId: string, email: string, role = 'MEMBER'): Promise<{ id: string; token: string }> {
  const before = t.inbox.messages.length;
  const result = await inviteOrganizationMember(t, managerToken, { organizationId, email, role });
  expect(result.errors).toBeUndefined();
  return { id: result.data!.inviteOrganizationMember.id, token: await invitationTokenFor(t, email, before) };
}

async function signUpAs(email: string, headers: Record<string, string> = {}): Promise<SignedIn> {
  const result = await t.gql(`mutation($input: SignUpInput!) { signUp(input: $input) { ${AUTH_FIELDS} } }`, { input: { email, password: DEFAULT_PASSWORD, name: 'New Colleague' } }, undefined, headers);
  expect(result.errors).toBeUndefined();
  return { email, password: DEFAULT_PASSWORD, token: result.data!.signUp.accessToken, userId: result.data!.signUp.user.id };
}

async function sql(text: string, params: unknown[] = []): Promise<Array<Record<string, any>>> {
  const db = new Client({ connectionString: t.databaseUrl });
  await db.connect();
  try {
    return (await db.query(text, params)).rows;
  } finally {
    await db.end();
  }
}

const eventTypes = (events: Array<{ type: string }>) => events.map((e) => e.type);

describe('inviting a colleague by email', () => {
  it('mails a link; the colleague signs up, accepts and is a member with the invited role', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token, 'Acme');
    const email = uniqueEmail('colleague');

    const before = t.inbox.messages.length;
    const invited = await inviteOrganizationMember(t, owner.token, { organizationId, email: `  ${email.toUpperCase()} `, role: 'ADMIN' });
    expect(invited.errors).toBeUndefined();
    expect(invited.data!.inviteOrganizationMember).toMatchObject({
      email,
      role: 'ADMIN',
      status: 'PENDING',
      organizationId,
      organizationName: 'Acme',
      invitedBy: { id: owner.userId },
      requiresTwoFactor: false,
      createdAt: t.clock.now().toISOString(),
      expiresAt: new Date(t.clock.now().getTime() + 7 * 24 * HOUR_MS).toISOString(),
    });
    const link = await invitationLinkFor(t, email, before);
    expect(link).toMatch(new RegExp(`^${PUBLIC_URL}/invitations/accept\\?token=inv_[A-Za-z0-9_-]{43}$`));

    const colleague = await signUpAs(email);
    // Signing up proves nothing about the mailbox: the list waits until the email is confirmed.
    expect((await myInvitations(t, colleague.token)).data!.myInvitations).toEqual([]);
    await confirmEmail(t, colleague);
    expect((await myInvitations(t, colleague.token)).data!.myInvitations).toEqual([expect.objectContaining({ organizationId, role: 'ADMIN', status: 'PENDING' })]);
    const accepted = await acceptInvitation(t, colleague.token, new URL(link).searchParams.get('token')!);
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!.acceptOrganizationInvitation).toMatchObject({ id: organizationId, name: 'Acme', myRole: 'ADMIN' });

    const members = (await organizationMembers(t, colleague.token, organizationId)).data!.organizationMembers;
    expect(members.map((m: { user: { id: string }; role: string }) => [m.user.id, m.role])).toEqual([[owner.userId, 'OWNER'], [colleague.userId, 'ADMIN']]);
    expect((await myInvitations(t, colleague.token)).data!.myInvitations).toEqual([]);
    expect((await organizationInvitations(t, owner.token, organizationId)).data!.organizationInvitations).toEqual([
      expect.objectContaining({ email, status: 'ACCEPTED' }),
    ]);
    const events = (await organizationSecurityEvents(t, owner.token, organizationId)).data!.organizationSecurityEvents;
    expect(eventTypes(events)).toEqual(['ORGANIZATION_INVITATION_ACCEPTED', 'ORGANIZATION_INVITATION_SENT']);
    expect(events[0].user.id).toBe(colleague.userId);
    expect(events[1].user.id).toBe(owner.userId);
    expect(eventTypes((await mySecurityEvents(t, colleague.token)).data!.mySecurityEvents)).toContain('ORGANIZATION_INVITATION_ACCEPTED');
  });

  it('answers the same whether or not the address has an account, and mails both', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const existing = await newUser(t);
    const unknown = uniqueEmail('unknown');
    const shape = (result: Awaited<ReturnType<typeof inviteOrganizationMember>>) => {
      const { id, email, createdAt, ...rest } = result.data!.inviteOrganizationMember;
      return { errors: result.errors, rest, keys: Object.keys({ id, email, createdAt }) };
    };
    const forExisting = await inviteOrganizationMember(t, owner.token, { organizationId, email: existing.email, role: 'MEMBER' });
    const forUnknown = await inviteOrganizationMember(t, owner.token, { organizationId, email: unknown, role: 'MEMBER' });
    expect(shape(forExisting)).toEqual(shape(forUnknown));
    await t.inbox.waitFor(existing.email, INVITATION_SUBJECT);
    await t.inbox.waitFor(unknown, INVITATION_SUBJECT);
  });

  it("writes the mail in the invitee's language when known, else in the inviter's", async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const korean = await signUpAs(uniqueEmail('ko'), { 'Accept-Language': 'ko' });
    const unknown = uniqueEmail('unknown');

    let before = t.inbox.messages.length;
    await inviteOrganizationMember(t, owner.token, { organizationId, email: korean.email, role: 'MEMBER' }, { 'Accept-Language': 'en' });
    expect((await t.inbox.waitFor(korean.email, INVITATION_SUBJECT, before)).subject).toMatch(/초대되었습니다/);
    before = t.inbox.messages.length;
    await inviteOrganizationMember(t, owner.token, { organizationId, email: unknown, role: 'MEMBER' }, { 'Accept-Language': 'ko' });
    expect((await t.inbox.waitFor(unknown, INVITATION_SUBJECT, before)).subject).toMatch(/초대되었습니다/);
  });

  it('replaces a pending invitation when the address is invited again: only the newest link works', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const colleague = await newUser(t);
    const first = await invite(owner.token, organizationId, colleague.email, 'MEMBER');
    const second = await invite(owner.token, organizationId, colleague.email, 'ADMIN');

    const listed = (await organizationInvitations(t, owner.token, organizationId)).data!.organizationInvitations;
    expect(listed.map((i: { id: string; status: string; role: string }) => [i.id, i.status, i.role])).toEqual([[second.id, 'PENDING', 'ADMIN']]);
    expect(errorCode(await acceptInvitation(t, colleague.token, first.token))).toBe('NOT_FOUND');
    expect((await acceptInvitation(t, colleague.token, second.token)).data!.acceptOrganizationInvitation.myRole).toBe('ADMIN');
  });

  it('saves nothing when the mail server refuses the invitation (SERVICE_UNAVAILABLE, retry as is)', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const email = uniqueEmail('unreachable');
    t.inbox.refusing = true;
    try {
      expect(errorCode(await inviteOrganizationMember(t, owner.token, { organizationId, email, role: 'MEMBER' }))).toBe('SERVICE_UNAVAILABLE');
    } finally {
      t.inbox.refusing = false;
    }
    expect((await organizationInvitations(t, owner.token, organizationId)).data!.organizationInvitations).toEqual([]);
    expect(eventTypes((await organizationSecurityEvents(t, owner.token, organizationId)).data!.organizationSecurityEvents)).toEqual([]);
    expect((await inviteOrganizationMember(t, owner.token, { organizationId, email, role: 'MEMBER' })).errors).toBeUndefined();
  });

  it('answers a current member with CONFLICT and a malformed email with BAD_USER_INPUT', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const member = await newUser(t);
    await addMember(t, owner.token, organizationId, member.email);
    expect(errorCode(await inviteOrganizationMember(t, owner.token, { organizationId, email: member.email, role: 'ADMIN' }))).toBe('CONFLICT');
    expect(errorCode(await inviteOrganizationMember(t, owner.token, { organizationId, email: owner.email, role: 'MEMBER' }))).toBe('CONFLICT');
    expect(errorCode(await inviteOrganizationMember(t, owner.token, { organizationId, email: 'not-an-email', role: 'MEMBER' }))).toBe('BAD_USER_INPUT');
  });

  it('lets an ADMIN invite members and admins but not an OWNER (FORBIDDEN), and a MEMBER invite nobody', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const admin = await newUser(t);
    const member = await newUser(t);
    await addMember(t, owner.token, organizationId, admin.email, 'ADMIN');
    await addMember(t, owner.token, organizationId, member.email, 'MEMBER');
    const before = t.inbox.messages.length;
    const target = uniqueEmail('target');

    expect(errorCode(await inviteOrganizationMember(t, admin.token, { organizationId, email: target, role: 'OWNER' }))).toBe('FORBIDDEN');
    expect(errorCode(await inviteOrganizationMember(t, member.token, { organizationId, email: target, role: 'MEMBER' }))).toBe('FORBIDDEN');
    expect(errorCode(await organizationInvitations(t, member.token, organizationId))).toBe('FORBIDDEN');
    expect(t.inbox.countTo(target)).toBe(0);
    expect(t.inbox.messages.length).toBe(before);
    expect((await inviteOrganizationMember(t, admin.token, { organizationId, email: target, role: 'ADMIN' })).errors).toBeUndefined();
    expect((await inviteOrganizationMember(t, owner.token, { organizationId, email: uniqueEmail('owner'), role: 'OWNER' })).errors).toBeUndefined();
  });
});

describe('accepting', () => {
  it('refuses another account with NOT_FOUND; the invitation still works for the invited one', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const invitee = await newUser(t);
    const intruder = await newUser(t);
    const { token } = await invite(owner.token, organizationId, invitee.email);

    expect(errorCode(await acceptInvitation(t, intruder.token, token))).toBe('NOT_FOUND');
    expect(errorCode(await declineInvitation(t, intruder.token, token))).toBe('NOT_FOUND');
    expect((await myInvitations(t, intruder.token)).data!.myInvitations).toEqual([]);
    expect((await myOrganizations(t, intruder.token)).data!.myOrganizations).toEqual([]);
    expect((await acceptInvitation(t, invitee.token, token)).errors).toBeUndefined();
  });

  it('works once: a used token is NOT_FOUND', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const invitee = await newUser(t);
    const { token } = await invite(owner.token, organizationId, invitee.email);
    expect((await acceptInvitation(t, invitee.token, token)).errors).toBeUndefined();
    expect(errorCode(await acceptInvitation(t, invitee.token, token))).toBe('NOT_FOUND');
    expect(errorCode(await acceptInvitation(t, invitee.token, 'inv_not-a-real-token'))).toBe('NOT_FOUND');
  });

  it('expires after 7 days (CODE_EXPIRED for the invitee, EXPIRED in the list)', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const invitee = await newUser(t);
    const { token } = await invite(owner.token, organizationId, invitee.email);
    t.clock.advanceSeconds(7 * 24 * 3600);
    const expired = await acceptInvitation(t, invitee.token, token);
    expect(errorCode(expired)).toBe('CODE_EXPIRED');
    expect(expired.errors![0].message).toMatch(/invite you again/);
    expect((await organizationInvitations(t, owner.token, organizationId)).data!.organizationInvitations.map((i: { status: string }) => i.status)).toEqual(['EXPIRED']);
    expect((await myInvitations(t, invitee.token)).data!.myInvitations).toEqual([]);
    expect((await myOrganizations(t, invitee.token)).data!.myOrganizations).toEqual([]);
  });

  it('is over once revoked: the token is NOT_FOUND, and revoking twice is FAILED_PRECONDITION', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const invitee = await newUser(t);
    const { id, token } = await invite(owner.token, organizationId, invitee.email);
    expect((await revokeInvitation(t, owner.token, id)).data!.revokeOrganizationInvitation).toBe(true);
    expect(errorCode(await acceptInvitation(t, invitee.token, token))).toBe('NOT_FOUND');
    expect(errorCode(await revokeInvitation(t, owner.token, id))).toBe('FAILED_PRECONDITION');
    expect((await organizationInvitations(t, owner.token, organizationId)).data!.organizationInvitations.map((i: { status: string }) => i.status)).toEqual(['REVOKED']);
    expect(eventTypes((await organizationSecurityEvents(t, owner.token, organizationId)).data!.organizationSecurityEvents)[0]).toBe('ORGANIZATION_INVITATION_REVOKED');
  });

  it('lets only an OWNER revoke an invitation to OWNER', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const admin = await newUser(t);
    await addMember(t, owner.token, organizationId, admin.email, 'ADMIN');
    const { id } = await invite(owner.token, organizationId, uniqueEmail('future-owner'), 'OWNER');
    expect(errorCode(await revokeInvitation(t, admin.token, id))).toBe('FORBIDDEN');
    expect((await revokeInvitation(t, owner.token, id)).errors).toBeUndefined();
  });

  it('of one token by concurrent requests makes exactly one membership', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const invitee = await newUser(t);
    const { token } = await invite(owner.token, organizationId, invitee.email);
    const results = await Promise.all(Array.from({ length: 8 }, () => acceptInvitation(t, invitee.token, token)));
    expect(results.filter((r) => r.errors === undefined)).toHaveLength(1);
    expect(results.map(errorCode).filter(Boolean)).toEqual(Array(7).fill('NOT_FOUND'));
    expect((await organizationMembers(t, owner.token, organizationId)).data!.organizationMembers).toHaveLength(2);
    const accepted = eventTypes((await organizationSecurityEvents(t, owner.token, organizationId)).data!.organizationSecurityEvents);
    expect(accepted.filter((type) => type === 'ORGANIZATION_INVITATION_ACCEPTED')).toHaveLength(1);
  });

  it('answers CONFLICT when the invitee became a member meanwhile, and leaves the invitation unused', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const invitee = await newUser(t);
    await addMember(t, owner.token, await newOrganization(t, owner.token, 'Elsewhere'), invitee.email);
    const { token } = await invite(owner.token, organizationId, invitee.email);
    expect((await addOrganizationMember(t, owner.token, { organizationId, email: invitee.email, role: 'MEMBER' })).errors).toBeUndefined();
    expect(errorCode(await acceptInvitation(t, invitee.token, token))).toBe('CONFLICT');
    expect((await organizationInvitations(t, owner.token, organizationId)).data!.organizationInvitations.map((i: { status: string }) => i.status)).toEqual(['PENDING']);
  });

  it('declining deletes the invitation: its link stops working', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const invitee = await newUser(t);
    const { token } = await invite(owner.token, organizationId, invitee.email);
    expect((await declineInvitation(t, invitee.token, token)).data!.declineOrganizationInvitation).toBe(true);
    expect(errorCode(await acceptInvitation(t, invitee.token, token))).toBe('NOT_FOUND');
    expect((await organizationInvitations(t, owner.token, organizationId)).data!.organizationInvitations).toEqual([]);
  });
});

describe("another organization's invitations", () => {
  it('behave as if they did not exist (NOT_FOUND), and change nothing', async () => {
    const ownerA = await newUser(t);
    await newOrganization(t, ownerA.token, 'A');
    const ownerB = await newUser(t);
    const organizationB = await newOrganization(t, ownerB.token, 'B');
    const { id } = await invite(ownerB.token, organizationB, uniqueEmail('b-recruit'));

    for (const invitationId of [id, randomUUID(), 'not-a-uuid']) {
      expect(errorCode(await revokeInvitation(t, ownerA.token, invitationId))).toBe('NOT_FOUND');
    }
    expect(errorCode(await organizationInvitations(t, ownerA.token, organizationB))).toBe('NOT_FOUND');
    expect(errorCode(await inviteOrganizationMember(t, ownerA.token, { organizationId: organizationB, email: uniqueEmail(), role: 'MEMBER' }))).toBe('NOT_FOUND');
    expect((await organizationInvitations(t, ownerB.token, organizationB)).data!.organizationInvitations.map((i: { status: string }) => i.status)).toEqual(['PENDING']);
  });
});

describe('limits', () => {
  it('throttles one organization\'s invitations to one address (3 an hour) with retryAfterSeconds', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const email = uniqueEmail('flooded');
    for (let i = 0; i < 3; i += 1) expect((await inviteOrganizationMember(t, owner.token, { organizationId, email, role: 'MEMBER' })).errors).toBeUndefined();
    const refused = await inviteOrganizationMember(t, owner.token, { organizationId, email, role: 'MEMBER' });
    expect(errorCode(refused)).toBe('TOO_MANY_ATTEMPTS');
    expect(refused.errors![0].extensions.retryAfterSeconds).toBeGreaterThan(0);
    await expect.poll(() => t.inbox.countTo(email, INVITATION_SUBJECT)).toBe(3);
  });

  it('throttles each organization (50 an hour), without counting requests of outsiders', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const outsider = await newUser(t);
    for (let i = 0; i < 60; i += 1) {
      expect(errorCode(await inviteOrganizationMember(t, outsider.token, { organizationId, email: uniqueEmail('x'), role: 'MEMBER' }))).toBe('NOT_FOUND');
    }
    // Two inviters, each under their own daily limit: the organization's hourly limit is what stops them.
    const admin = await newUser(t);
    await addMember(t, owner.token, organizationId, admin.email, 'ADMIN');
    for (let i = 0; i < 49; i += 1) {
      const inviter = i % 2 === 0 ? owner : admin;
      expect((await inviteOrganizationMember(t, inviter.token, { organizationId, email: uniqueEmail('many'), role: 'MEMBER' })).errors).toBeUndefined();
    }
    const refused = await inviteOrganizationMember(t, admin.token, { organizationId, email: uniqueEmail('many'), role: 'MEMBER' });
    expect(errorCode(refused)).toBe('TOO_MANY_ATTEMPTS');
    expect(refused.errors![0].message).toMatch(/from this organization/);
  });
});

describe('the 2FA requirement and joining', () => {
  it('gives a member who joins 3 days after a 48 h requirement began 48 h from joining, then blocks', async () => {
    const owner = await newUserWithTwoFactor();
    const organizationId = await newOrganization(t, owner.token);
    await updateOrganizationSecuritySettings(t, owner.token, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 48 });
    t.clock.advanceSeconds(3 * 24 * 3600);

    const joiner = await newUser(t);
    await confirmEmail(t, joiner);
    const { token } = await invite(owner.token, organizationId, joiner.email);
    expect((await myInvitations(t, joiner.token)).data!.myInvitations[0].requiresTwoFactor).toBe(true);
    const joinedAt = t.clock.now().getTime();
    expect((await acceptInvitation(t, joiner.token, token)).errors).toBeUndefined();
    const status = (await twoFactorStatus(t, joiner.token)).data!.twoFactorStatus;
    expect(status).toMatchObject({ requiredByOrganization: true, setupRequiredBy: new Date(joinedAt + 48 * HOUR_MS).toISOString() });

    t.clock.set(new Date(joinedAt + 48 * HOUR_MS - 1000));
    expect((await mySecurityEvents(t, joiner.token)).errors).toBeUndefined();
    t.clock.set(new Date(joinedAt + 48 * HOUR_MS));
    expect(errorCode(await mySecurityEvents(t, joiner.token))).toBe('TWO_FACTOR_SETUP_REQUIRED');
  });

  it('lets a user with 2FA join an organization past its deadline without interruption', async () => {
    const owner = await newUserWithTwoFactor();
    const organizationId = await newOrganization(t, owner.token);
    await updateOrganizationSecuritySettings(t, owner.token, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 0 });
    const joiner = await newUserWithTwoFactor();
    const { token } = await invite(owner.token, organizationId, joiner.email);
    expect((await acceptInvitation(t, joiner.token, token)).errors).toBeUndefined();
    expect((await mySecurityEvents(t, joiner.token)).errors).toBeUndefined();
  });

  it('lets a user forced into setup by one organization still see, decline and accept invitations of another', async () => {
    const ownerA = await newUserWithTwoFactor();
    const organizationA = await newOrganization(t, ownerA.token, 'A');
    const user = await newUser(t);
    await addMember(t, ownerA.token, organizationA, user.email);
    await updateOrganizationSecuritySettings(t, ownerA.token, { organizationId: organizationA, requireTwoFactor: true, twoFactorGracePeriodHours: 0 });
    expect(errorCode(await mySecurityEvents(t, user.token))).toBe('TWO_FACTOR_SETUP_REQUIRED');

    const ownerB = await newUser(t);
    const organizationB = await newOrganization(t, ownerB.token, 'B');
    const organizationC = await newOrganization(t, ownerB.token, 'C');
    const toB = await invite(ownerB.token, organizationB, user.email);
    const toC = await invite(ownerB.token, organizationC, user.email);
    expect((await myInvitations(t, user.token)).data!.myInvitations).toHaveLength(2);
    expect((await declineInvitation(t, user.token, toC.token)).errors).toBeUndefined();
    expect((await acceptInvitation(t, user.token, toB.token)).data!.acceptOrganizationInvitation.name).toBe('B');
    expect(errorCode(await mySecurityEvents(t, user.token))).toBe('TWO_FACTOR_SETUP_REQUIRED');
  });

  it('mails members without 2FA when the requirement starts, with their deadline, and once more a day before it', async () => {
    const owner = await newUserWithTwoFactor();
    const organizationId = await newOrganization(t, owner.token, 'Strict');
    const member = await newUser(t);
    const secured = await newUserWithTwoFactor();
    await addMember(t, owner.token, organizationId, member.email);
    await addMember(t, owner.token, organizationId, secured.email);
    const startedAt = t.clock.now().getTime();
    const deadline = new Date(startedAt + 72 * HOUR_MS).toUTCString();
    await updateOrganizationSecuritySettings(t, owner.token, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 72 });

    const required = await t.inbox.waitFor(member.email, /“Strict” now requires 2-step verification/);
    expect(required.text).toContain(deadline);
    const requirement = t.app.get(TwoFactorRequirementService);
    expect(await requirement.sendDueTwoFactorReminders(new Date(startedAt + 47 * HOUR_MS))).toBe(0);
    // Runs at the same moment on two instances, then again: one reminder.
    const runs = await Promise.all([48, 48, 50].map((hours) => requirement.sendDueTwoFactorReminders(new Date(startedAt + hours * HOUR_MS))));
    expect(runs.reduce((a, b) => a + b, 0)).toBe(1);
    const reminder = await t.inbox.waitFor(member.email, /Reminder: set up 2-step verification/);
    expect(reminder.text).toContain(deadline);
    expect(await requirement.sendDueTwoFactorReminders(new Date(startedAt + 60 * HOUR_MS))).toBe(0);
    expect(t.inbox.countTo(member.email, /Reminder/)).toBe(1);
    expect(t.inbox.countTo(secured.email, /requires 2-step|Reminder/)).toBe(0);
    expect(t.inbox.countTo(owner.email, /requires 2-step|Reminder/)).toBe(0);
  });

  it("reminds a member who joined later a day before their own deadline", async () => {
    const owner = await newUserWithTwoFactor();
    const organizationId = await newOrganization(t, owner.token, 'Later');
    await updateOrganizationSecuritySettings(t, owner.token, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 48 });
    t.clock.advanceSeconds(5 * 24 * 3600);
    const joiner = await newUser(t);
    const joinedAt = t.clock.now().getTime();
    await addMember(t, owner.token, organizationId, joiner.email);
    const requirement = t.app.get(TwoFactorRequirementService);
    expect(await requirement.sendDueTwoFactorReminders(new Date(joinedAt + 23 * HOUR_MS))).toBe(0);
    expect(await requirement.sendDueTwoFactorReminders(new Date(joinedAt + 24 * HOUR_MS))).toBe(1);
    const reminder = await t.inbox.waitFor(joiner.email, /Reminder/);
    expect(reminder.text).toContain(new Date(joinedAt + 48 * HOUR_MS).toUTCString());
  });
});

describe('stored invitations', () => {
  it('keep only a hash of the token', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    const { token } = await invite(owner.token, organizationId, uniqueEmail('stored'));
    const rows = await sql(`SELECT row_to_json(i)::text AS row FROM organization_invitations i WHERE organization_id = $1`, [organizationId]);
    expect(rows).toHaveLength(1);
    expect(rows[0].row).not.toContain(token.slice(4));
    expect(rows[0].row).not.toContain(Buffer.from(token).toString('hex'));
  });

  // Last: it moves the clock past every session of this file.
  it('are pruned by the data-pruning job 30 days after they expire, in batches', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    await invite(owner.token, organizationId, uniqueEmail('pruned-1'));
    await invite(owner.token, organizationId, uniqueEmail('pruned-2'));
    const count = async () => (await sql('SELECT id FROM organization_invitations WHERE organization_id = $1', [organizationId])).length;
    const expiresAt = t.clock.now().getTime() + 7 * 24 * HOUR_MS;

    t.clock.set(new Date(expiresAt + 29 * 24 * HOUR_MS));
    await t.app.get(DataPruningService).runOnce();
    expect(await count()).toBe(2);
    // One batch deletes at most its size (older invitations of other tests go first).
    expect(await t.app.get(InvitationsService).pruneExpired(new Date(expiresAt + 30 * 24 * HOUR_MS + 1000), 1)).toBe(1);

    t.clock.set(new Date(expiresAt + 30 * 24 * HOUR_MS + 1000));
    const pass = await t.app.get(DataPruningService).runOnce();
    expect(pass.deleted['organization invitations']).toBeGreaterThanOrEqual(1);
    expect(await count()).toBe(0);
  });
});

describe('the reminder job', () => {
  it('mails the reminder on the maintenance timer', async () => {
    const timed = await startTestApp({ config: { dataPruneIntervalSeconds: 1, sessionTtlHours: 720 } });
    try {
      const ownerSession = await newUser(timed);
      const owner = { ...ownerSession, token: (await enableTwoFactor(timed, ownerSession)).token };
      const organizationId = await newOrganization(timed, owner.token, 'Timed');
      const member = await newUser(timed);
      await addMember(timed, owner.token, organizationId, member.email);
      await updateOrganizationSecuritySettings(timed, owner.token, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 48 });
      timed.clock.advanceSeconds(25 * 3600);
      await timed.inbox.waitFor(member.email, /Reminder: set up 2-step verification/);
    } finally {
      await timed.close();
    }
  });
});
