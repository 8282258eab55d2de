import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailKind } from '../src/mail/mail-templates';
import { OrganizationMembershipEntity } from '../src/organizations/entities/organization-membership.entity';
import { OrganizationEntity } from '../src/organizations/entities/organization.entity';
import { AllowedSecondFactors } from '../src/organizations/models/allowed-second-factors.model';
import { OrganizationRole } from '../src/organizations/models/organization-role.model';
import { memberSetupDeadlineSql, TwoFactorRequirementRepository } from '../src/organizations/two-factor-requirement.repository';
import { TwoFactorRequirementService } from '../src/organizations/two-factor-requirement.service';
import { memberSetupDeadline } from '../src/organizations/utils/two-factor-requirement.util';
import { UserEntity } from '../src/users/entities/user.entity';
import { UsersRepository } from '../src/users/users.repository';
import { UsersService } from '../src/users/users.service';
import { type MediumServices, newMediumServices } from './support/medium';

/**
 * TwoFactorRequirementService on PostgreSQL with only what it needs (users, organizations,
 * memberships): the deadlines the guard and the status read, and the reminders.
 */
const HOUR = 3_600_000;
let m: MediumServices;
let requirement: TwoFactorRequirementService;
beforeAll(async () => {
  m = await newMediumServices({
    providers: [TwoFactorRequirementService, TwoFactorRequirementRepository, UsersService, UsersRepository],
    entities: [UserEntity, OrganizationEntity, OrganizationMembershipEntity],
  });
  requirement = m.get(TwoFactorRequirementService);
});
afterAll(async () => {
  await m?.close();
});

const at = (offsetHours: number) => new Date(m.clock.now().getTime() + offsetHours * HOUR);

/** An organization requiring 2FA since `sinceHours` from now, with a grace period. */
const requiring = (sinceHours: number, graceHours: number, values: Partial<OrganizationEntity> = {}) =>
  m.fixtures.organization({ requireTwoFactor: true, requireTwoFactorSince: at(sinceHours), twoFactorGracePeriodHours: graceHours, ...values });

describe('memberSetupDeadlineSql', () => {
  it('gives the same moment as memberSetupDeadline, whichever of start and joining is later, across a DST change', async () => {
    const cases: Array<[string, string, number]> = [
      ['2026-03-01T10:00:00.000Z', '2026-02-01T10:00:00.000Z', 48],
      ['2026-03-01T10:00:00.000Z', '2026-03-05T08:30:00.000Z', 48],
      ['2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.000Z', 0],
      ['2026-03-28T23:59:59.999Z', '2026-01-01T00:00:00.000Z', 24], // over Europe/Berlin's spring forward
      ['2026-10-24T12:00:00.123Z', '2026-10-24T12:00:00.124Z', 720], // and the autumn one
      ['2025-12-31T23:00:00.000Z', '2026-01-01T01:00:00.000Z', 1],
    ];
    const inSql = await m.dataSource.transaction(async (db) => {
      // A session time zone with DST: an hours-only interval must still add exact hours.
      await db.query(`SET LOCAL TIME ZONE 'Europe/Berlin'`);
      const rows: Array<{ deadline: Date }> = [];
      for (const [since, joined, grace] of cases) {
        const [row] = await db.query(`SELECT ${memberSetupDeadlineSql('$1::timestamptz', '$2::timestamptz', '$3::int')} AS deadline`, [since, joined, grace]);
        rows.push(row);
      }
      return rows.map((row) => new Date(row.deadline).toISOString());
    });
    expect(inSql).toEqual(cases.map(([since, joined, grace]) => memberSetupDeadline(new Date(since), new Date(joined), grace).toISOString()));
  });
});

describe('TwoFactorRequirementService.setupDeadline', () => {
  it('is the earliest of the organizations requiring 2FA, each counted from the later of its start and the joining', async () => {
    const user = await m.fixtures.user();
    const early = await requiring(-100, 48);
    const late = await requiring(-1, 24);
    await m.fixtures.organization(); // requires nothing
    await m.fixtures.membership(early, user, { joinedAt: at(-10) }); // joined after the start: 48 h from joining
    await m.fixtures.membership(late, user, { joinedAt: at(-200) });
    const noRequirement = await m.fixtures.organization();
    await m.fixtures.membership(noRequirement, user, { joinedAt: at(-500) });

    expect(await requirement.setupDeadline(user.id)).toEqual(memberSetupDeadline(late.requireTwoFactorSince!, at(-200), 24));
    expect(await requirement.setupDeadline(user.id)).toEqual(at(23));
  });

  it('is null for a user no organization requires 2FA of, and for another organization’s requirement', async () => {
    const [user, stranger] = [await m.fixtures.user(), await m.fixtures.user()];
    const organization = await requiring(-100, 0);
    await m.fixtures.membership(await m.fixtures.organization(), user);
    await m.fixtures.membership(organization, stranger);
    expect(await requirement.setupDeadline(user.id)).toBeNull();
    expect(await requirement.isRequiredOf(user.id)).toBe(false);
    expect(await requirement.isRequiredOf(stranger.id)).toBe(true);
  });
});

describe('TwoFactorRequirementService.isOverdue', () => {
  it('holds a user without 2FA from the deadline on, not a moment before, and never one with 2FA on', async () => {
    const [without, withTwoFactor] = [await m.fixtures.user(), await m.fixtures.user({ twoFactorEnabledAt: at(-1) })];
    const organization = await requiring(0, 2);
    await m.fixtures.membership(organization, without, { joinedAt: at(-5) });
    await m.fixtures.membership(organization, withTwoFactor, { joinedAt: at(-5) });
    const deadline = at(2);

    m.clock.set(new Date(deadline.getTime() - 1));
    expect(await requirement.isOverdue(without)).toBe(false);
    m.clock.set(deadline);
    expect(await requirement.isOverdue(without)).toBe(true);
    expect(await requirement.isOverdue(withTwoFactor)).toBe(false);
    // Turning 2FA off later finds the deadline where it was: overdue at once.
    expect(await requirement.isOverdue({ id: withTwoFactor.id, twoFactorEnabledAt: null })).toBe(true);
  });
});

describe('TwoFactorRequirementService.statusDeadlines', () => {
  it('tells a user without 2FA by when, even once passed, and one with 2FA by when they would have to set it up again', async () => {
    const [without, withTwoFactor] = [await m.fixtures.user(), await m.fixtures.user({ twoFactorEnabledAt: at(-1) })];
    const organization = await requiring(0, 10);
    await m.fixtures.membership(organization, without);
    await m.fixtures.membership(organization, withTwoFactor);
    const deadline = at(10);

    expect(await requirement.statusDeadlines(without)).toEqual({ setupRequiredBy: deadline, setupRequiredByIfDisabled: null });
    expect(await requirement.statusDeadlines(withTwoFactor)).toEqual({ setupRequiredBy: null, setupRequiredByIfDisabled: deadline });
    m.clock.set(deadline);
    expect(await requirement.statusDeadlines(without)).toEqual({ setupRequiredBy: deadline, setupRequiredByIfDisabled: null });
    // Over: turning 2FA off would require setup at once, so there is no "by when" to warn of.
    expect(await requirement.statusDeadlines(withTwoFactor)).toEqual({ setupRequiredBy: null, setupRequiredByIfDisabled: null });
  });
});

describe('TwoFactorRequirementService.passkeyRequirement', () => {
  it("holds only the roles an organization's rule names, counted from the rule's start, the strictest first", async () => {
    const [member, admin] = [await m.fixtures.user(), await m.fixtures.user()];
    const rule = { memberSecondFactors: AllowedSecondFactors.PHISHING_RESISTANT };
    const sooner = await requiring(-100, 24, { name: 'Sooner', ...rule, phishingResistantSince: at(-20) });
    const later = await requiring(-100, 24, { name: 'Later', ...rule, phishingResistantSince: at(-2) });
    for (const organization of [later, sooner]) {
      await m.fixtures.membership(organization, member, { joinedAt: at(-300), role: OrganizationRole.MEMBER });
      await m.fixtures.membership(organization, admin, { joinedAt: at(-300), role: OrganizationRole.ADMIN });
    }
    expect(await requirement.passkeyRequirement(member.id)).toEqual({ organizations: ['Sooner', 'Later'], deadline: at(4) });
    expect(await requirement.passkeyRequirement(admin.id)).toBeNull();
  });
});

describe('TwoFactorRequirementService.sendDueTwoFactorReminders', () => {
  it('mails a member without 2FA once, a day before their deadline, however many runs race for it', async () => {
    // A year on: the other tests' deadlines are long past, so only this organization's can be due.
    m.clock.set(new Date(m.clock.now().getTime() + 365 * 24 * HOUR));
    const [member, secured] = [await m.fixtures.user(), await m.fixtures.user({ twoFactorEnabledAt: at(-1) })];
    const organization = await requiring(0, 72, { name: 'Reminding' });
    await m.fixtures.membership(organization, member);
    await m.fixtures.membership(organization, secured);
    const mine = () => m.mail.sent.filter((notice) => notice.to === member.email || notice.to === secured.email);

    expect(await requirement.sendDueTwoFactorReminders(at(47))).toBe(0);
    const runs = await Promise.all([48, 48, 49, 60].map((hours) => requirement.sendDueTwoFactorReminders(at(hours))));
    expect(runs.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await requirement.sendDueTwoFactorReminders(at(70))).toBe(0);
    expect(mine()).toEqual([
      { to: member.email, kind: MailKind.TWO_FACTOR_REQUIRED_REMINDER, values: { organization: 'Reminding', deadline: at(72).toUTCString() } },
    ]);
  });
});
