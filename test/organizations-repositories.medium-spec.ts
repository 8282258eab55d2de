import type { EntityManager } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrganizationMembershipEntity } from '../src/organizations/entities/organization-membership.entity';
import { OrganizationEntity } from '../src/organizations/entities/organization.entity';
import { AllowedSecondFactors } from '../src/organizations/models/allowed-second-factors.model';
import { OrganizationRole } from '../src/organizations/models/organization-role.model';
import { memberOrganizationsSql, OrganizationMembershipsRepository } from '../src/organizations/organization-memberships.repository';
import { OrganizationsRepository } from '../src/organizations/organizations.repository';
import { TwoFactorRequirementRepository } from '../src/organizations/two-factor-requirement.repository';
import { UserEntity } from '../src/users/entities/user.entity';
import { type MediumServices, newMediumServices } from './support/medium';

/**
 * The organizations module's repositories on PostgreSQL: the conditional writes, the joins that
 * must not reach another organization or user, the locks and the reminders' claim. The deadlines'
 * formula itself is held by two-factor-requirement.medium-spec.ts.
 */
const HOUR = 3_600_000;
let m: MediumServices;
let organizations: OrganizationsRepository;
let memberships: OrganizationMembershipsRepository;
let requirement: TwoFactorRequirementRepository;
beforeAll(async () => {
  m = await newMediumServices({
    providers: [OrganizationsRepository, OrganizationMembershipsRepository, TwoFactorRequirementRepository],
    entities: [UserEntity, OrganizationEntity, OrganizationMembershipEntity],
  });
  organizations = m.get(OrganizationsRepository);
  memberships = m.get(OrganizationMembershipsRepository);
  requirement = m.get(TwoFactorRequirementRepository);
});
afterAll(async () => {
  await m?.close();
});

const at = (offsetHours: number) => new Date(m.clock.now().getTime() + offsetHours * HOUR);

/** Runs `work` in a transaction that gives up on any lock it waits for longer than 200 ms. */
const impatiently = <T>(work: (db: EntityManager) => Promise<T>): Promise<T> =>
  m.dataSource.transaction(async (db) => {
    await db.query(`SET LOCAL lock_timeout = '200ms'`);
    return work(db);
  });

describe('OrganizationMembershipsRepository.insertIfAbsent', () => {
  it('adds a member once: a second insert is false and keeps the first role', async () => {
    const [organization, user] = [await m.fixtures.organization(), await m.fixtures.user()];
    const membership = { organizationId: organization.id, userId: user.id, role: OrganizationRole.ADMIN, joinedAt: m.clock.now() };
    expect(await memberships.insertIfAbsent(membership)).toBe(true);
    expect(await memberships.insertIfAbsent({ ...membership, role: OrganizationRole.OWNER })).toBe(false);
    expect((await memberships.find(organization.id, user.id))?.role).toBe(OrganizationRole.ADMIN);
  });
});

describe('OrganizationMembershipsRepository counts', () => {
  it('counts the owners of one organization, and the organizations one user owns', async () => {
    const [organization, other] = [await m.fixtures.organization(), await m.fixtures.organization()];
    const [owner, admin] = [await m.fixtures.user(), await m.fixtures.user()];
    await m.fixtures.membership(organization, owner, { role: OrganizationRole.OWNER });
    await m.fixtures.membership(organization, admin, { role: OrganizationRole.ADMIN });
    await m.fixtures.membership(other, owner, { role: OrganizationRole.OWNER });
    await m.fixtures.membership(other, admin, { role: OrganizationRole.OWNER });
    expect(await memberships.countOwnersOf(organization.id)).toBe(1);
    expect(await memberships.countOwnedBy(owner.id)).toBe(2);
    expect(await memberships.countOwnedBy(admin.id)).toBe(1);
  });
});

describe('OrganizationMembershipsRepository.sharedRoles', () => {
  it('pairs the roles of both users in each organization they share, and only those', async () => {
    const [caller, member] = [await m.fixtures.user(), await m.fixtures.user()];
    const [shared, callerOnly, memberOnly] = [await m.fixtures.organization(), await m.fixtures.organization(), await m.fixtures.organization()];
    await m.fixtures.membership(shared, caller, { role: OrganizationRole.ADMIN });
    await m.fixtures.membership(shared, member, { role: OrganizationRole.OWNER });
    await m.fixtures.membership(callerOnly, caller, { role: OrganizationRole.OWNER });
    await m.fixtures.membership(memberOnly, member, { role: OrganizationRole.MEMBER });
    expect(await memberships.sharedRoles(caller.id, member.id)).toEqual([{ callerRole: OrganizationRole.ADMIN, memberRole: OrganizationRole.OWNER }]);
    expect(await memberships.sharedRoles(caller.id, (await m.fixtures.user()).id)).toEqual([]);
  });
});

describe('OrganizationMembershipsRepository.pageOf', () => {
  it('reads one organization’s members in user id order, page by page', async () => {
    const organization = await m.fixtures.organization();
    const users = await Promise.all([1, 2, 3].map(() => m.fixtures.user()));
    for (const user of users) await m.fixtures.membership(organization, user);
    await m.fixtures.membership(await m.fixtures.organization(), await m.fixtures.user());
    const ids = users.map((user) => user.id).sort();
    const first = await memberships.pageOf(organization.id, null, 2);
    expect(first.map((row) => row.userId)).toEqual(ids.slice(0, 2));
    expect((await memberships.pageOf(organization.id, first[1]!.userId, 2)).map((row) => row.userId)).toEqual(ids.slice(2));
  });
});

describe('memberOrganizationsSql', () => {
  it('selects the organizations of the user whose id the expression gives', async () => {
    const [user, other] = [await m.fixtures.user(), await m.fixtures.user()];
    const [mine, theirs] = [await m.fixtures.organization(), await m.fixtures.organization()];
    await m.fixtures.membership(mine, user);
    await m.fixtures.membership(theirs, other);
    const rows: Array<{ organization_id: string }> = await m.dataSource.query(memberOrganizationsSql('$1::uuid'), [user.id]);
    expect(rows.map((row) => row.organization_id)).toEqual([mine.id]);
  });
});

describe('locks', () => {
  it('OrganizationsRepository.lock holds the organization row until the transaction ends, and is null for none', async () => {
    const organization = await m.fixtures.organization();
    expect(await m.dataSource.transaction((db) => organizations.lock('00000000-0000-4000-8000-000000000000', db))).toBeNull();
    await m.dataSource.transaction(async (db) => {
      expect((await organizations.lock(organization.id, db))?.id).toBe(organization.id);
      await expect(impatiently((other) => organizations.lock(organization.id, other))).rejects.toThrow(/lock timeout/);
    });
    expect((await impatiently((db) => organizations.lock(organization.id, db)))?.id).toBe(organization.id);
  });

  it('OrganizationMembershipsRepository.lockOwnershipsOf holds the user’s ownerships, not another user’s', async () => {
    const [user, other] = [await m.fixtures.user(), await m.fixtures.user()];
    await m.dataSource.transaction(async (db) => {
      await memberships.lockOwnershipsOf(user.id, db);
      await expect(impatiently((second) => memberships.lockOwnershipsOf(user.id, second))).rejects.toThrow(/lock timeout/);
      await impatiently((second) => memberships.lockOwnershipsOf(other.id, second));
    });
  });
});

describe('OrganizationsRepository.updateSettings', () => {
  it('changes the one organization', async () => {
    const [organization, other] = [await m.fixtures.organization(), await m.fixtures.organization()];
    const settings = {
      requireTwoFactor: true,
      twoFactorGracePeriodHours: 5,
      requireTwoFactorSince: m.clock.now(),
      adminSecondFactors: AllowedSecondFactors.ANY,
      memberSecondFactors: AllowedSecondFactors.ANY,
      phishingResistantSince: null,
      settingsUpdatedAt: m.clock.now(),
      settingsUpdatedBy: null,
    };
    await organizations.updateSettings(organization.id, settings);
    expect(await organizations.findByIdOrFail(organization.id)).toMatchObject(settings);
    expect((await organizations.findByIdOrFail(other.id)).requireTwoFactor).toBe(false);
  });
});

describe('TwoFactorRequirementRepository reminders', () => {
  it('finds a due reminder once it is within the day, claims it once, and again only for a new requirement', async () => {
    // Far on: earlier tests' memberships are long past their deadlines.
    m.clock.set(new Date(m.clock.now().getTime() + 400 * 24 * HOUR));
    const organization = await m.fixtures.organization({ requireTwoFactor: true, requireTwoFactorSince: at(0), twoFactorGracePeriodHours: 48, name: 'Due' });
    const shortGrace = await m.fixtures.organization({ requireTwoFactor: true, requireTwoFactorSince: at(0), twoFactorGracePeriodHours: 24 });
    const user = await m.fixtures.user();
    await m.fixtures.membership(organization, user, { joinedAt: at(-1) });
    await m.fixtures.membership(shortGrace, user, { joinedAt: at(-1) });

    expect(await requirement.dueReminders(at(23), 24, 10)).toEqual([]);
    expect(await requirement.dueReminders(at(24), 24, 10)).toEqual([{ organizationId: organization.id, userId: user.id, organizationName: 'Due', deadline: at(48) }]);
    expect(await requirement.dueReminders(at(48), 24, 10)).toEqual([]); // the deadline itself has come: no reminder

    const claims = await Promise.all([1, 2, 3].map(() => requirement.claimReminder(organization.id, user.id)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await requirement.dueReminders(at(24), 24, 10)).toEqual([]);

    // Turned off and on again: a new requirement, reminded anew.
    await m.dataSource.getRepository(OrganizationEntity).update({ id: organization.id }, { requireTwoFactor: false, requireTwoFactorSince: null });
    expect(await requirement.claimReminder(organization.id, user.id)).toBe(false);
    await m.dataSource.getRepository(OrganizationEntity).update({ id: organization.id }, { requireTwoFactor: true, requireTwoFactorSince: at(1) });
    expect(await requirement.claimReminder(organization.id, user.id)).toBe(true);
  });
});

describe('TwoFactorRequirementRepository.phishingResistantRules', () => {
  it('names only the user’s organizations whose rule holds the user’s role', async () => {
    const [user, stranger] = [await m.fixtures.user(), await m.fixtures.user()];
    const strict = { requireTwoFactor: true, requireTwoFactorSince: at(-10), twoFactorGracePeriodHours: 2, phishingResistantSince: at(-1) };
    const forMembers = await m.fixtures.organization({ ...strict, name: 'Members', memberSecondFactors: AllowedSecondFactors.PHISHING_RESISTANT });
    const forAdmins = await m.fixtures.organization({ ...strict, name: 'Admins', adminSecondFactors: AllowedSecondFactors.PHISHING_RESISTANT });
    await m.fixtures.membership(forMembers, user, { role: OrganizationRole.MEMBER, joinedAt: at(-20) });
    await m.fixtures.membership(forAdmins, user, { role: OrganizationRole.MEMBER, joinedAt: at(-20) });
    await m.fixtures.membership(forAdmins, stranger, { role: OrganizationRole.ADMIN, joinedAt: at(-20) });
    expect(await requirement.phishingResistantRules(user.id)).toEqual([{ organizationName: 'Members', deadline: at(1) }]);
    expect(await requirement.phishingResistantRules(stranger.id)).toEqual([{ organizationName: 'Admins', deadline: at(1) }]);
  });
});
