import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, login, newUser, type SignedIn } from './support/operations';
import { addMember, addOrganizationMember, newOrganization, organizationSecurityEvents } from './support/organizations';
import { startTestApp, type TestApp } from './support/test-app';
import { type EnabledTwoFactor, newUserWithTwoFactor, totpCode } from './support/two-factor';

/**
 * The attacks of the third security pass (issue 20), each performed against the API as the
 * attacker would. Every one of them worked before its fix.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

type TwoFactorUser = SignedIn & EnabledTwoFactor;

/** The caller's fresh code: the clock moves one TOTP step first, so it is never a replay of the last one. */
function freshCode(user: TwoFactorUser): string {
  t.clock.advanceSeconds(30);
  return totpCode(user.secret, t.clock);
}

const resetMemberTwoFactor = (token: string, input: { organizationId: string; userId: string; code: string }) =>
  t.gql('mutation($input: ResetMemberTwoFactorInput!) { resetMemberTwoFactor(input: $input) { role user { id twoFactorEnabled } } }', { input }, token);

async function secondFactorStillAsked(user: SignedIn): Promise<boolean> {
  const result = await login(t, { email: user.email, password: user.password });
  return result.data?.login.status === 'SECOND_FACTOR_REQUIRED';
}

const eventTypes = async (token: string, organizationId: string) =>
  ((await organizationSecurityEvents(t, token, organizationId)).data!.organizationSecurityEvents as Array<{ type: string; user: { id: string } }>);

describe('1. an ADMIN resetting an OWNER through a second organization', () => {
  it('cannot add the owner of the organization they administer directly to an organization of their own', async () => {
    const owner = await newUserWithTwoFactor(t);
    const organizationA = await newOrganization(t, owner.token, 'A');
    const admin = await newUserWithTwoFactor(t);
    await addMember(t, owner.token, organizationA, admin.email, 'ADMIN');
    const organizationB = await newOrganization(t, admin.token, 'B');

    const added = await addOrganizationMember(t, admin.token, { organizationId: organizationB, email: owner.email, role: 'MEMBER' });

    expect(errorCode(added)).toBe('NOT_FOUND');
  });

  it("cannot reset the owner's 2FA in the second organization even after the owner joined it", async () => {
    const owner = await newUserWithTwoFactor(t);
    const organizationA = await newOrganization(t, owner.token, 'A');
    const admin = await newUserWithTwoFactor(t);
    await addMember(t, owner.token, organizationA, admin.email, 'ADMIN');
    const organizationB = await newOrganization(t, admin.token, 'B');
    await addMember(t, admin.token, organizationB, owner.email, 'MEMBER');

    const reset = await resetMemberTwoFactor(admin.token, { organizationId: organizationB, userId: owner.userId, code: freshCode(admin) });

    expect(errorCode(reset)).toBe('FORBIDDEN');
    expect(reset.errors![0].message).toMatch(/higher role than yours in another organization/);
    expect(await secondFactorStillAsked(owner)).toBe(true);
  });

  it('records a reset it allows in every organization of the member, so each one’s admins see it', async () => {
    const ownerA = await newUserWithTwoFactor(t);
    const organizationA = await newOrganization(t, ownerA.token, 'A');
    const ownerB = await newUserWithTwoFactor(t);
    const organizationB = await newOrganization(t, ownerB.token, 'B');
    const member = await newUserWithTwoFactor(t);
    await addMember(t, ownerA.token, organizationA, member.email);
    await addMember(t, ownerB.token, organizationB, member.email);

    const reset = await resetMemberTwoFactor(ownerB.token, { organizationId: organizationB, userId: member.userId, code: freshCode(ownerB) });

    expect(reset.errors).toBeUndefined();
    const seenInA = (await eventTypes(ownerA.token, organizationA)).filter((e) => e.type === 'TWO_FACTOR_RESET_BY_ADMIN');
    expect(seenInA).toEqual([expect.objectContaining({ user: expect.objectContaining({ id: member.userId }) })]);
  });

  it('still lets an admin add directly a plain member they manage elsewhere', async () => {
    const owner = await newUser(t);
    const organizationA = await newOrganization(t, owner.token, 'A');
    const colleague = await newUser(t);
    await addMember(t, owner.token, organizationA, colleague.email);
    const organizationB = await newOrganization(t, owner.token, 'B');

    const added = await addOrganizationMember(t, owner.token, { organizationId: organizationB, email: colleague.email, role: 'MEMBER' });

    expect(added.errors).toBeUndefined();
  });
});
