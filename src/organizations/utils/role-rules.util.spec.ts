import { describe, expect, it } from 'vitest';
import { OrganizationRole } from '../models/organization-role.model';
import { isManagerRole, mayAddDirectly, mayMoveBetweenRoles, mayResetSecondFactorOf, standsAtOrAboveEverywhere } from './role-rules.util';

const { OWNER, ADMIN, MEMBER } = OrganizationRole;

describe('isManagerRole', () => {
  it('is true for OWNER and ADMIN only', () => {
    expect([OWNER, ADMIN, MEMBER].map(isManagerRole)).toEqual([true, true, false]);
  });
});

describe('mayMoveBetweenRoles', () => {
  it('lets an OWNER make any move', () => {
    for (const from of [null, OWNER, ADMIN, MEMBER]) {
      for (const to of [null, OWNER, ADMIN, MEMBER]) expect(mayMoveBetweenRoles(OWNER, from, to)).toBe(true);
    }
  });

  it('lets an ADMIN add, promote, demote and remove admins and members', () => {
    for (const from of [null, ADMIN, MEMBER]) {
      for (const to of [null, ADMIN, MEMBER]) expect(mayMoveBetweenRoles(ADMIN, from, to)).toBe(true);
    }
  });

  it('keeps an ADMIN from granting or taking OWNER', () => {
    expect(mayMoveBetweenRoles(ADMIN, null, OWNER)).toBe(false);
    expect(mayMoveBetweenRoles(ADMIN, MEMBER, OWNER)).toBe(false);
    expect(mayMoveBetweenRoles(ADMIN, OWNER, ADMIN)).toBe(false);
    expect(mayMoveBetweenRoles(ADMIN, OWNER, null)).toBe(false);
  });
});

describe('mayResetSecondFactorOf', () => {
  it('lets an OWNER reset anyone, an ADMIN anyone but an OWNER, and a MEMBER nobody', () => {
    const members = [OWNER, ADMIN, MEMBER];
    expect(members.map((m) => mayResetSecondFactorOf(OWNER, m))).toEqual([true, true, true]);
    expect(members.map((m) => mayResetSecondFactorOf(ADMIN, m))).toEqual([false, true, true]);
    expect(members.map((m) => mayResetSecondFactorOf(MEMBER, m))).toEqual([false, false, false]);
  });
});

describe('standsAtOrAboveEverywhere', () => {
  it('holds when the caller is at least the other user\'s role in every shared organization', () => {
    expect(standsAtOrAboveEverywhere([{ callerRole: OWNER, memberRole: OWNER }, { callerRole: ADMIN, memberRole: MEMBER }])).toBe(true);
    expect(standsAtOrAboveEverywhere([{ callerRole: MEMBER, memberRole: MEMBER }])).toBe(true);
    expect(standsAtOrAboveEverywhere([])).toBe(true);
  });

  it('fails when the other user outranks the caller in any one of them', () => {
    // The attack: owner of a second organization the admin made, but owner of the first one too.
    expect(standsAtOrAboveEverywhere([{ callerRole: OWNER, memberRole: MEMBER }, { callerRole: ADMIN, memberRole: OWNER }])).toBe(false);
    expect(standsAtOrAboveEverywhere([{ callerRole: MEMBER, memberRole: ADMIN }])).toBe(false);
  });
});

describe('mayAddDirectly', () => {
  it('needs a shared organization the caller manages', () => {
    expect(mayAddDirectly([])).toBe(false);
    expect(mayAddDirectly([{ callerRole: MEMBER, memberRole: MEMBER }])).toBe(false);
    expect(mayAddDirectly([{ callerRole: ADMIN, memberRole: MEMBER }])).toBe(true);
  });

  it('refuses someone who outranks the caller in any shared organization', () => {
    expect(mayAddDirectly([{ callerRole: ADMIN, memberRole: OWNER }])).toBe(false);
    expect(mayAddDirectly([{ callerRole: OWNER, memberRole: MEMBER }, { callerRole: MEMBER, memberRole: ADMIN }])).toBe(false);
  });
});
