import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, MoreThan, Repository } from 'typeorm';
import { SecurityEvent, SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { AppError, ErrorCode } from '../common/app-error';
import type { SessionUser } from '../common/authenticated-session';
import { Clock } from '../common/clock';
import { requireUuid } from '../common/ids';
import { MailKind } from '../mail/mail-templates';
import { MailService } from '../mail/mail.service';
import type { UserEntity } from '../users/entities/user.entity';
import { toUser, User } from '../users/models/user.model';
import { UsersService } from '../users/users.service';
import type {
  AddOrganizationMemberInput,
  CreateOrganizationInput,
  RemoveOrganizationMemberInput,
  UpdateOrganizationMemberRoleInput,
  UpdateOrganizationSecuritySettingsInput,
} from './dto/organization.inputs';
import { OrganizationMembershipEntity } from './entities/organization-membership.entity';
import { OrganizationEntity } from './entities/organization.entity';
import { OrganizationRole } from './models/organization-role.model';
import { Organization, OrganizationMember, OrganizationSecuritySettings } from './models/organization.model';
import { isManagerRole, mayAddDirectly, mayMoveBetweenRoles, ROLE_RANK, type SharedMembership, standsAtOrAboveEverywhere } from './utils/role-rules.util';
import { demandsPhishingResistant, isPastSetupDeadline, memberSetupDeadline, requirementStart, TWO_FACTOR_REMINDER_HOURS_BEFORE } from './utils/two-factor-requirement.util';
import { AllowedSecondFactors } from './models/allowed-second-factors.model';
import { PasskeyPresence } from '../common/passkey-presence';

/** What an invitation shows of its organization. */
export interface OrganizationSummary {
  id: string;
  name: string;
  requireTwoFactor: boolean;
  twoFactorGracePeriodHours: number;
}

/**
 * Organizations one account may own: each one is a fresh budget of invitations, so an unbounded
 * number would make one account a mail relay.
 */
export const MAX_OWNED_ORGANIZATIONS = 5;

/**
 * Told, inside the transaction that makes the change, that a member's role changed or that they
 * left (newRole null): other modules keep what the member may no longer do from outliving it.
 */
export type MembershipChangeListener = (db: EntityManager, change: { organizationId: string; userId: string; newRole: OrganizationRole | null }) => Promise<void>;

/** Reminders claimed per call of sendDueTwoFactorReminders; a periodic job calls it again for the rest. */
const REMINDER_BATCH = 500;

/**
 * Organizations, their members' roles and their 2FA requirement. Every operation that takes an
 * organization id answers NOT_FOUND unless the caller is a member, so other organizations stay
 * invisible; role checks (FORBIDDEN) come only after that.
 */
@Injectable()
export class OrganizationsService {
  constructor(
    @InjectRepository(OrganizationEntity) private readonly organizations: Repository<OrganizationEntity>,
    @InjectRepository(OrganizationMembershipEntity) private readonly memberships: Repository<OrganizationMembershipEntity>,
    private readonly users: UsersService,
    private readonly securityEvents: SecurityEventsService,
    private readonly mail: MailService,
    private readonly passkeyPresence: PasskeyPresence,
    private readonly clock: Clock,
  ) {}

  private readonly logger = new Logger(OrganizationsService.name);
  private readonly membershipChangeListeners: MembershipChangeListener[] = [];

  /** For modules that depend on this one (invitations): called on every role change and departure. */
  onMembershipChange(listener: MembershipChangeListener): void {
    this.membershipChangeListeners.push(listener);
  }

  private async membershipChanged(db: EntityManager, organizationId: string, userId: string, newRole: OrganizationRole | null): Promise<void> {
    for (const listener of this.membershipChangeListeners) await listener(db, { organizationId, userId, newRole });
  }

  // ---- organizations --------------------------------------------------------------------------

  async create(callerId: string, input: CreateOrganizationInput): Promise<Organization> {
    const now = this.clock.now();
    return this.organizations.manager.transaction(async (db) => {
      // Held to the end of the transaction: two concurrent creates cannot both pass the count.
      await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`organizations-owned-by:${callerId}`]);
      const owned = await db.countBy(OrganizationMembershipEntity, { userId: callerId, role: OrganizationRole.OWNER });
      if (owned >= MAX_OWNED_ORGANIZATIONS) {
        throw new AppError(
          ErrorCode.FAILED_PRECONDITION,
          `You already own ${MAX_OWNED_ORGANIZATIONS} organizations, the most one account may own. To start another, make someone else the owner of one and leave it.`,
        );
      }
      const organization = db.create(OrganizationEntity, {
        name: input.name,
        requireTwoFactor: false,
        twoFactorGracePeriodHours: 0,
        requireTwoFactorSince: null,
        adminSecondFactors: AllowedSecondFactors.ANY,
        memberSecondFactors: AllowedSecondFactors.ANY,
        phishingResistantSince: null,
        settingsUpdatedAt: null,
        settingsUpdatedBy: null,
        createdAt: now,
      });
      await db.insert(OrganizationEntity, organization);
      await db.insert(OrganizationMembershipEntity, {
        organizationId: organization.id,
        userId: callerId,
        role: OrganizationRole.OWNER,
        joinedAt: now,
      });
      return toOrganization(organization, OrganizationRole.OWNER, null);
    });
  }

  async listMine(callerId: string): Promise<Organization[]> {
    const memberships = await this.memberships.findBy({ userId: callerId });
    if (memberships.length === 0) return [];
    const roles = new Map(memberships.map((m) => [m.organizationId, m.role]));
    const organizations = await this.organizations.find({
      where: { id: In([...roles.keys()]) },
      order: { name: 'ASC', id: 'ASC' },
    });
    const updaters = await this.usersById(organizations.map((o) => o.settingsUpdatedBy));
    const updaterOf = (o: OrganizationEntity) => (o.settingsUpdatedBy && updaters.get(o.settingsUpdatedBy)) || null;
    return organizations.map((o) => toOrganization(o, roles.get(o.id)!, updaterOf(o)));
  }

  async findForMember(callerId: string, rawOrganizationId: string): Promise<Organization> {
    const organizationId = requireOrganizationId(rawOrganizationId);
    const role = await this.roleOf(callerId, organizationId);
    const organization = await this.organizations.findOneByOrFail({ id: organizationId });
    return toOrganization(organization, role, await this.userOrNull(organization.settingsUpdatedBy));
  }

  // ---- members --------------------------------------------------------------------------------

  async listMembers(callerId: string, rawOrganizationId: string): Promise<OrganizationMember[]> {
    const organizationId = requireOrganizationId(rawOrganizationId);
    await this.requireManager(callerId, organizationId);
    const memberships = await this.memberships.findBy({ organizationId });
    const users = await this.usersById(memberships.map((m) => m.userId));
    const members = memberships.flatMap((m) => {
      const user = users.get(m.userId);
      return user ? [{ user, role: m.role, joinedAt: m.joinedAt }] : [];
    });
    return members.sort(byRoleThenSeniority);
  }

  /**
   * Adds an existing account directly, and mails it. Only accounts the caller already manages in
   * another organization, and outranks or equals in every organization they share
   * (mayAddDirectly), can be added this way: for any other address, known or not, the answer is
   * the same NOT_FOUND pointing to inviting, so this operation never tells an admin whether an
   * address has an account (inviting answers the same for both, and reaches both).
   */
  async addMember(callerId: string, input: AddOrganizationMemberInput): Promise<OrganizationMember> {
    const organizationId = requireOrganizationId(input.organizationId);
    // Looked up before the transaction: a transaction waiting for a second pooled connection could
    // starve the pool. The answer is only revealed after the caller's role is checked.
    const found = await this.users.findByEmail(input.email);
    const user = found && mayAddDirectly(await this.sharedMemberships(callerId, found.id)) ? found : null;
    const added = await this.changeMembers(callerId, organizationId, async (db, callerRole, organization) => {
      requireMayMove(callerRole, null, input.role);
      if (!user) {
        throw new AppError(
          ErrorCode.NOT_FOUND,
          'No account you manage in another of your organizations has this email. Invite the person instead (inviteOrganizationMember): the invitation reaches them whether or not they have an account.',
        );
      }
      if (await db.existsBy(OrganizationMembershipEntity, { organizationId, userId: user.id })) {
        throw new AppError(ErrorCode.CONFLICT, 'This user is already a member of the organization.');
      }
      const joinedAt = this.clock.now();
      await db.insert(OrganizationMembershipEntity, { organizationId, userId: user.id, role: input.role, joinedAt });
      await this.securityEvents.record({ type: SecurityEventType.ORGANIZATION_MEMBER_ADDED, userId: user.id, actorUserId: callerId, organizationId }, db);
      return { member: { user: toUser(user), role: input.role, joinedAt }, organization };
    });
    await this.mailAddedMember(callerId, user!, added.organization, added.member);
    return added.member;
  }

  /** The roles of the caller and the user in each organization both belong to. */
  private async sharedMemberships(callerId: string, userId: string, db: EntityManager = this.memberships.manager): Promise<SharedMembership[]> {
    const rows: Array<{ caller_role: OrganizationRole; member_role: OrganizationRole }> = await db.query(
      `SELECT mine.role AS caller_role, theirs.role AS member_role
         FROM organization_memberships theirs
         JOIN organization_memberships mine ON mine.organization_id = theirs.organization_id
        WHERE theirs.user_id = $1 AND mine.user_id = $2`,
      [userId, callerId],
    );
    return rows.map((row) => ({ callerRole: row.caller_role, memberRole: row.member_role }));
  }

  private async mailAddedMember(actorId: string, user: UserEntity, organization: OrganizationEntity, member: OrganizationMember): Promise<void> {
    const actor = await this.users.findById(actorId);
    const deadline = organization.requireTwoFactorSince && !user.twoFactorEnabledAt
      ? memberSetupDeadline(organization.requireTwoFactorSince, member.joinedAt, organization.twoFactorGracePeriodHours)
      : null;
    this.mail.sendNotice(
      user.email,
      MailKind.ORGANIZATION_MEMBER_ADDED,
      {
        actor: actor?.name ?? actor?.email ?? 'An administrator',
        organization: organization.name,
        role: member.role,
        requiresTwoFactor: deadline !== null,
        deadline: deadline?.toUTCString(),
      },
      user.language,
    );
  }

  /** Setting the role a member already has changes nothing and records nothing. */
  async changeMemberRole(callerId: string, input: UpdateOrganizationMemberRoleInput): Promise<OrganizationMember> {
    const organizationId = requireOrganizationId(input.organizationId);
    const userId = requireMemberId(input.userId);
    const membership = await this.changeMembers(callerId, organizationId, async (db, callerRole) => {
      const current = await findMembershipOrFail(db, organizationId, userId);
      requireMayMove(callerRole, current.role, input.role);
      if (current.role !== input.role) {
        if (current.role === OrganizationRole.OWNER) await requireAnotherOwner(db, organizationId);
        await db.update(OrganizationMembershipEntity, { organizationId, userId }, { role: input.role });
        await this.membershipChanged(db, organizationId, userId, input.role);
        await this.securityEvents.record({ type: SecurityEventType.ORGANIZATION_ROLE_CHANGED, userId, actorUserId: callerId, organizationId }, db);
      }
      return { ...current, role: input.role };
    });
    return { user: await this.memberUser(userId), role: membership.role, joinedAt: membership.joinedAt };
  }

  /**
   * Removes a member, or the caller (leaving). Leaving is open to every role and also while an
   * organization forces the caller to set up 2FA: anyone can be added to an organization by email,
   * so a member must always be able to walk out of one that requires 2FA of them.
   */
  async removeMember(caller: SessionUser, input: RemoveOrganizationMemberInput): Promise<void> {
    const organizationId = requireOrganizationId(input.organizationId);
    const userId = requireMemberId(input.userId);
    if (userId === caller.id) return this.leave(caller.id, organizationId);
    await this.changeMembers(caller.id, organizationId, async (db, callerRole) => {
      if (await this.isOverdueForTwoFactorSetup(caller, db)) {
        throw new AppError(
          ErrorCode.TWO_FACTOR_SETUP_REQUIRED,
          'An organization of yours requires two-step verification. Set it up to manage members; until then you can only leave an organization.',
        );
      }
      const membership = await findMembershipOrFail(db, organizationId, userId);
      requireMayMove(callerRole, membership.role, null);
      if (membership.role === OrganizationRole.OWNER) await requireAnotherOwner(db, organizationId);
      await db.delete(OrganizationMembershipEntity, { organizationId, userId });
      await this.membershipChanged(db, organizationId, userId, null);
      await this.securityEvents.record({ type: SecurityEventType.ORGANIZATION_MEMBER_REMOVED, userId, actorUserId: caller.id, organizationId }, db);
    });
  }

  private async leave(callerId: string, organizationId: string): Promise<void> {
    await this.organizations.manager.transaction(async (db) => {
      await lockOrganization(db, organizationId);
      const role = await this.roleOf(callerId, organizationId, db);
      if (role === OrganizationRole.OWNER) await requireAnotherOwner(db, organizationId);
      await db.delete(OrganizationMembershipEntity, { organizationId, userId: callerId });
      await this.membershipChanged(db, organizationId, callerId, null);
      await this.securityEvents.record(
        { type: SecurityEventType.ORGANIZATION_MEMBER_REMOVED, userId: callerId, actorUserId: callerId, organizationId },
        db,
      );
    });
  }

  // ---- security settings and events -----------------------------------------------------------

  async updateSecuritySettings(caller: SessionUser, input: UpdateOrganizationSecuritySettingsInput): Promise<OrganizationSecuritySettings> {
    const organizationId = requireOrganizationId(input.organizationId);
    const saved = await this.organizations.manager.transaction(async (db) => {
      // Locked: the new since-time is derived from the current one, so two saves must not interleave.
      const organization = await lockOrganization(db, organizationId);
      await this.requireManager(caller.id, organizationId, db);
      if (!caller.twoFactorEnabledAt) {
        throw new AppError(
          ErrorCode.FAILED_PRECONDITION,
          "Turn on two-step verification for your own account before changing the organization's security settings.",
        );
      }
      const now = this.clock.now();
      const adminSecondFactors = input.adminSecondFactors ?? organization.adminSecondFactors;
      const memberSecondFactors = input.memberSecondFactors ?? organization.memberSecondFactors;
      const newlyStrict =
        (adminSecondFactors === AllowedSecondFactors.PHISHING_RESISTANT && organization.adminSecondFactors !== adminSecondFactors) ||
        (memberSecondFactors === AllowedSecondFactors.PHISHING_RESISTANT && organization.memberSecondFactors !== memberSecondFactors);
      // Whoever demands keys must hold one: an admin cannot lock everyone out of a rule they could not meet.
      if (newlyStrict && !(await this.passkeyPresence.has(caller.id))) {
        throw new AppError(
          ErrorCode.FAILED_PRECONDITION,
          'Register a passkey or security key for your own account before requiring them (PHISHING_RESISTANT) in the organization.',
          { missing: 'PASSKEY' },
        );
      }
      const strict = adminSecondFactors === AllowedSecondFactors.PHISHING_RESISTANT || memberSecondFactors === AllowedSecondFactors.PHISHING_RESISTANT;
      const settings = {
        requireTwoFactor: input.requireTwoFactor,
        twoFactorGracePeriodHours: input.twoFactorGracePeriodHours ?? organization.twoFactorGracePeriodHours,
        requireTwoFactorSince: requirementStart(organization.requireTwoFactorSince, input.requireTwoFactor, now),
        adminSecondFactors,
        memberSecondFactors,
        phishingResistantSince: requirementStart(organization.phishingResistantSince, strict, now),
        settingsUpdatedAt: now,
        settingsUpdatedBy: caller.id,
      };
      await db.update(OrganizationEntity, { id: organizationId }, settings);
      await this.securityEvents.record(
        { type: SecurityEventType.ORGANIZATION_SECURITY_SETTINGS_CHANGED, userId: caller.id, organizationId },
        db,
      );
      const turnedOn = organization.requireTwoFactorSince === null && settings.requireTwoFactorSince !== null;
      return { organization: { ...organization, ...settings }, before: organization, turnedOn };
    });
    if (saved.turnedOn) await this.mailRequirementToMembers(saved.organization);
    await this.mailPasskeyRuleToNewlyHeld(saved.before, saved.organization);
    return toSecuritySettings(saved.organization, toUser(caller));
  }

  /** Mails each member whose role the rule now holds to passkeys (and did not before), with their deadline. */
  private async mailPasskeyRuleToNewlyHeld(before: OrganizationEntity, after: OrganizationEntity): Promise<void> {
    const memberships = await this.memberships.findBy({ organizationId: after.id });
    const newlyHeld = memberships.filter((m) => demandsPhishingResistant(after, m.role) && !demandsPhishingResistant(before, m.role));
    if (newlyHeld.length === 0) return;
    const users = new Map((await this.users.findByIds(newlyHeld.map((m) => m.userId))).map((user) => [user.id, user]));
    for (const membership of newlyHeld) {
      const user = users.get(membership.userId);
      if (!user) continue;
      const deadline = memberSetupDeadline(after.phishingResistantSince!, membership.joinedAt, after.twoFactorGracePeriodHours);
      this.mail.sendNotice(user.email, MailKind.PASSKEY_REQUIRED, { organization: after.name, deadline: deadline.toUTCString() }, user.language);
    }
  }

  /** Mails each member without 2FA that the organization now requires it, with their own deadline. */
  private async mailRequirementToMembers(organization: OrganizationEntity): Promise<void> {
    const since = organization.requireTwoFactorSince!;
    const memberships = await this.memberships.findBy({ organizationId: organization.id });
    const joinedAt = new Map(memberships.map((m) => [m.userId, m.joinedAt]));
    const users = await this.users.findByIds(memberships.map((m) => m.userId));
    for (const user of users) {
      if (user.twoFactorEnabledAt) continue;
      const deadline = memberSetupDeadline(since, joinedAt.get(user.id)!, organization.twoFactorGracePeriodHours);
      this.mail.sendNotice(user.email, MailKind.TWO_FACTOR_REQUIRED, { organization: organization.name, deadline: deadline.toUTCString() }, user.language);
    }
  }

  async listSecurityEvents(callerId: string, rawOrganizationId: string, first?: number | null): Promise<SecurityEvent[]> {
    const organizationId = requireOrganizationId(rawOrganizationId);
    await this.requireManager(callerId, organizationId);
    return this.securityEvents.listForOrganization(organizationId, first);
  }

  // ---- the 2FA requirement, for the guard and the two-factor module ---------------------------

  /**
   * The earliest deadline by which an organization of the user requires 2FA, or null when none does.
   * Each membership's grace period counts from the later of the requirement's start and the joining
   * (memberSetupDeadline). The guard asks on every request of a user without 2FA: one query on the
   * memberships' user_id index.
   */
  async twoFactorSetupDeadline(userId: string, db: EntityManager = this.memberships.manager): Promise<Date | null> {
    const rows: Array<{ deadline: Date | null }> = await db.query(
      `SELECT min(greatest(o.require_two_factor_since, m.joined_at) + make_interval(hours => o.two_factor_grace_period_hours)) AS deadline
         FROM organization_memberships m
         JOIN organizations o ON o.id = m.organization_id
        WHERE m.user_id = $1 AND o.require_two_factor`,
      [userId],
    );
    return rows[0]?.deadline ?? null;
  }

  /**
   * The organizations whose rule accepts only phishing-resistant factors from this user's role, and
   * the earliest end of their grace periods (from the rule's start or the joining, as for 2FA): the
   * strictest wins. One query on the memberships' user_id index; none of them: null.
   */
  async passkeyRequirement(userId: string): Promise<{ organizations: string[]; deadline: Date } | null> {
    const rows: Array<{ name: string; deadline: Date }> = await this.memberships.query(
      `SELECT o.name, greatest(o.phishing_resistant_since, m.joined_at) + make_interval(hours => o.two_factor_grace_period_hours) AS deadline
         FROM organization_memberships m
         JOIN organizations o ON o.id = m.organization_id
        WHERE m.user_id = $1 AND o.require_two_factor AND o.phishing_resistant_since IS NOT NULL
          AND CASE WHEN m.role = 'MEMBER' THEN o.member_second_factors ELSE o.admin_second_factors END = 'PHISHING_RESISTANT'
        ORDER BY deadline, o.name`,
      [userId],
    );
    if (rows.length === 0) return null;
    return { organizations: rows.map((row) => row.name), deadline: new Date(rows[0]!.deadline) };
  }

  /** The caller's organizations that require 2FA: who set the requirement, so a member can ask them or leave. */
  async listRequiringTwoFactor(userId: string): Promise<Organization[]> {
    return (await this.listMine(userId)).filter((organization) => organization.securitySettings.requireTwoFactor);
  }

  private async isOverdueForTwoFactorSetup(caller: SessionUser, db: EntityManager): Promise<boolean> {
    if (caller.twoFactorEnabledAt) return false;
    return isPastSetupDeadline(await this.twoFactorSetupDeadline(caller.id, db), this.clock.now());
  }

  /**
   * Mails each member without 2FA whose own deadline is less than a day away, once per requirement
   * (when the grace period is longer than a day; shorter ones only get the first mail). Idempotent:
   * each reminder is claimed by one conditional UPDATE before it is mailed, so concurrent or
   * repeated runs, on any instance, mail it once. Returns how many were mailed.
   */
  async sendDueTwoFactorReminders(now: Date): Promise<number> {
    const due: Array<{ organization_id: string; user_id: string; name: string; deadline: Date }> = await this.memberships.query(
      `SELECT m.organization_id, m.user_id, o.name, d.deadline
         FROM organization_memberships m
         JOIN organizations o ON o.id = m.organization_id
         CROSS JOIN LATERAL (SELECT greatest(o.require_two_factor_since, m.joined_at)
                                    + make_interval(hours => o.two_factor_grace_period_hours) AS deadline) d
        WHERE o.require_two_factor
          AND o.two_factor_grace_period_hours > $2
          AND m.two_factor_reminder_for IS DISTINCT FROM o.require_two_factor_since
          AND d.deadline - make_interval(hours => $2) <= $1
          AND d.deadline > $1
        LIMIT $3`,
      [now, TWO_FACTOR_REMINDER_HOURS_BEFORE, REMINDER_BATCH],
    );
    if (due.length === 0) return 0;
    const users = new Map((await this.users.findByIds(due.map((row) => row.user_id))).map((user) => [user.id, user]));
    let mailed = 0;
    for (const row of due) {
      // Claims the reminder: of concurrent runs exactly one sees the row change.
      const [, claimed] = await this.memberships.query(
        `UPDATE organization_memberships m
            SET two_factor_reminder_for = o.require_two_factor_since
           FROM organizations o
          WHERE o.id = m.organization_id AND m.organization_id = $1 AND m.user_id = $2
            AND o.require_two_factor
            AND m.two_factor_reminder_for IS DISTINCT FROM o.require_two_factor_since`,
        [row.organization_id, row.user_id],
      );
      const user = users.get(row.user_id);
      if (claimed !== 1 || !user || user.twoFactorEnabledAt) continue;
      this.mail.sendNotice(
        user.email,
        MailKind.TWO_FACTOR_REQUIRED_REMINDER,
        { organization: row.name, deadline: new Date(row.deadline).toUTCString() },
        user.language,
      );
      mailed += 1;
    }
    if (mailed > 0) this.logger.log(`Mailed ${mailed} reminder(s) to set up two-step verification`);
    return mailed;
  }

  // ---- for the invitations module -------------------------------------------------------------

  /**
   * Runs `change` with the organization locked, once the caller is known to be its OWNER or ADMIN
   * (NOT_FOUND for an organization that is not the caller's, FORBIDDEN for a MEMBER).
   */
  inManagedOrganization<T>(
    callerId: string,
    rawOrganizationId: string,
    change: (db: EntityManager, callerRole: OrganizationRole, organization: OrganizationSummary) => Promise<T>,
  ): Promise<T> {
    return this.changeMembers(callerId, requireOrganizationId(rawOrganizationId), (db, role, organization) =>
      change(db, role, toSummary(organization)),
    );
  }

  /** The caller's role in an organization they manage; NOT_FOUND or FORBIDDEN otherwise. */
  managerRole(callerId: string, rawOrganizationId: string): Promise<OrganizationRole> {
    return this.requireManager(callerId, requireOrganizationId(rawOrganizationId));
  }

  /**
   * A member's role and joining, read inside the caller's transaction (inManagedOrganization);
   * NOT_FOUND when the user is not a member of this organization.
   */
  async findMember(db: EntityManager, organizationId: string, rawUserId: string): Promise<{ userId: string; role: OrganizationRole; joinedAt: Date }> {
    const membership = await findMembershipOrFail(db, organizationId, requireMemberId(rawUserId));
    return { userId: membership.userId, role: membership.role, joinedAt: membership.joinedAt };
  }

  /**
   * FORBIDDEN unless the caller's role is at least the member's in every organization the two
   * share (standsAtOrAboveEverywhere), read inside the caller's transaction.
   */
  async requireStandingOver(db: EntityManager, callerId: string, memberId: string, message: string): Promise<void> {
    if (!standsAtOrAboveEverywhere(await this.sharedMemberships(callerId, memberId, db))) throw AppError.forbidden(message);
  }

  /**
   * One page of an organization's members in user id order, after `afterUserId`, each with the
   * deadline by which this organization wants 2FA (null when it does not require it): the members'
   * 2FA report reads them page by page. Call after managerRole.
   */
  async memberPage(organizationId: string, afterUserId: string | null, limit: number): Promise<Array<{ userId: string; role: OrganizationRole; joinedAt: Date; setupDeadline: Date | null }>> {
    const organization = await this.organizations.findOneByOrFail({ id: organizationId });
    const memberships = await this.memberships.find({
      where: { organizationId, ...(afterUserId ? { userId: MoreThan(afterUserId) } : {}) },
      order: { userId: 'ASC' },
      take: limit,
    });
    const since = organization.requireTwoFactor ? organization.requireTwoFactorSince : null;
    return memberships.map((m) => ({
      userId: m.userId,
      role: m.role,
      joinedAt: m.joinedAt,
      setupDeadline: since ? memberSetupDeadline(since, m.joinedAt, organization.twoFactorGracePeriodHours) : null,
    }));
  }

  /** The ids of every organization the user is a member of. */
  async organizationIdsOf(userId: string, db: EntityManager = this.memberships.manager): Promise<string[]> {
    const memberships = await db.find(OrganizationMembershipEntity, { where: { userId }, select: { organizationId: true } });
    return memberships.map((m) => m.organizationId);
  }

  /**
   * The organizations of the user whose id the SQL expression `userIdSql` gives, as a subquery for
   * another module's statement that must run in one piece (the webhooks' outbox, beside each event).
   */
  memberOrganizationsSql(userIdSql: string): string {
    return `SELECT organization_id FROM organization_memberships WHERE user_id = ${userIdSql}`;
  }

  /** The user's role in the organization now, or null when they are not a member; in the caller's transaction. */
  async roleIn(db: EntityManager, organizationId: string, userId: string): Promise<OrganizationRole | null> {
    return (await db.findOneBy(OrganizationMembershipEntity, { organizationId, userId }))?.role ?? null;
  }

  async isMember(organizationId: string, userId: string, db: EntityManager = this.memberships.manager): Promise<boolean> {
    return db.existsBy(OrganizationMembershipEntity, { organizationId, userId });
  }

  /**
   * Makes the user a member with the role, inside the caller's transaction. A user who is already
   * a member is CONFLICT (the transaction rolls back, so an invitation stays unused).
   */
  async join(db: EntityManager, organizationId: string, userId: string, role: OrganizationRole): Promise<void> {
    const inserted: unknown[] = await db.query(
      `INSERT INTO organization_memberships (organization_id, user_id, role, joined_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING
       RETURNING user_id`,
      [organizationId, userId, role, this.clock.now()],
    );
    if (inserted.length === 0) throw new AppError(ErrorCode.CONFLICT, 'You are already a member of this organization.');
  }

  async summaries(organizationIds: readonly string[]): Promise<Map<string, OrganizationSummary>> {
    if (organizationIds.length === 0) return new Map();
    const organizations = await this.organizations.findBy({ id: In([...new Set(organizationIds)]) });
    return new Map(organizations.map((o) => [o.id, toSummary(o)]));
  }

  // ---- internals ------------------------------------------------------------------------------

  /**
   * Runs a change of members with the organization row locked, so changes to one organization's
   * members run one after another: two concurrent demotions cannot both see "another owner left".
   * The caller's role is read after the lock, so it is current. `change` must query only through
   * `db`: waiting for another pooled connection while holding one could starve the pool.
   */
  private changeMembers<T>(
    callerId: string,
    organizationId: string,
    change: (db: EntityManager, callerRole: OrganizationRole, organization: OrganizationEntity) => Promise<T>,
  ): Promise<T> {
    return this.organizations.manager.transaction(async (db) => {
      const organization = await lockOrganization(db, organizationId);
      const callerRole = await this.requireManager(callerId, organizationId, db);
      return change(db, callerRole, organization);
    });
  }

  /** The caller's role; NOT_FOUND when the organization is not theirs, so it looks as if it did not exist. */
  private async roleOf(callerId: string, organizationId: string, db: EntityManager = this.memberships.manager): Promise<OrganizationRole> {
    const membership = await db.findOneBy(OrganizationMembershipEntity, { organizationId, userId: callerId });
    if (!membership) throw AppError.notFound('The organization');
    return membership.role;
  }

  private async requireManager(callerId: string, organizationId: string, db?: EntityManager): Promise<OrganizationRole> {
    const role = await this.roleOf(callerId, organizationId, db);
    if (!isManagerRole(role)) throw AppError.forbidden('Only owners and admins of the organization can do this.');
    return role;
  }

  private async usersById(ids: ReadonlyArray<string | null>): Promise<Map<string, User>> {
    const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
    const users = await this.users.findByIds(wanted);
    return new Map(users.map((user) => [user.id, toUser(user)]));
  }

  private async userOrNull(id: string | null): Promise<User | null> {
    if (!id) return null;
    const user = await this.users.findById(id);
    return user ? toUser(user) : null;
  }

  private async memberUser(userId: string): Promise<User> {
    const user = await this.userOrNull(userId);
    if (!user) throw AppError.notFound('The member');
    return user;
  }
}

function requireOrganizationId(id: string): string {
  return requireUuid(id, 'The organization');
}

function requireMemberId(id: string): string {
  return requireUuid(id, 'The member');
}

/** SELECT … FOR UPDATE on the organization row: serialises changes to the organization. */
async function lockOrganization(db: EntityManager, organizationId: string): Promise<OrganizationEntity> {
  const organization = await db.findOne(OrganizationEntity, { where: { id: organizationId }, lock: { mode: 'pessimistic_write' } });
  if (!organization) throw AppError.notFound('The organization');
  return organization;
}

async function findMembershipOrFail(db: EntityManager, organizationId: string, userId: string): Promise<OrganizationMembershipEntity> {
  const membership = await db.findOneBy(OrganizationMembershipEntity, { organizationId, userId });
  if (!membership) throw AppError.notFound('The member');
  return membership;
}

function requireMayMove(callerRole: OrganizationRole, from: OrganizationRole | null, to: OrganizationRole | null): void {
  if (!mayMoveBetweenRoles(callerRole, from, to)) {
    throw AppError.forbidden('Only an owner can grant or take the OWNER role.');
  }
}

/** Call with the organization locked (changeMembers), or two concurrent calls could both pass. */
async function requireAnotherOwner(db: EntityManager, organizationId: string): Promise<void> {
  const owners = await db.countBy(OrganizationMembershipEntity, { organizationId, role: OrganizationRole.OWNER });
  if (owners <= 1) {
    throw new AppError(
      ErrorCode.FAILED_PRECONDITION,
      'An organization needs at least one owner. Make another member an owner first.',
    );
  }
}

/** Owners first, then admins, then members; within a role, who joined first, then by email. */
function byRoleThenSeniority(a: OrganizationMember, b: OrganizationMember): number {
  return (
    ROLE_RANK[a.role] - ROLE_RANK[b.role] ||
    a.joinedAt.getTime() - b.joinedAt.getTime() ||
    a.user.email.localeCompare(b.user.email)
  );
}

function toOrganization(organization: OrganizationEntity, myRole: OrganizationRole, settingsUpdatedBy: User | null): Organization {
  return {
    id: organization.id,
    name: organization.name,
    myRole,
    securitySettings: toSecuritySettings(organization, settingsUpdatedBy),
    createdAt: organization.createdAt,
  };
}

function toSummary(organization: OrganizationEntity): OrganizationSummary {
  return {
    id: organization.id,
    name: organization.name,
    requireTwoFactor: organization.requireTwoFactor,
    twoFactorGracePeriodHours: organization.twoFactorGracePeriodHours,
  };
}

function toSecuritySettings(organization: OrganizationEntity, updatedBy: User | null): OrganizationSecuritySettings {
  return {
    requireTwoFactor: organization.requireTwoFactor,
    twoFactorGracePeriodHours: organization.twoFactorGracePeriodHours,
    adminSecondFactors: organization.adminSecondFactors,
    memberSecondFactors: organization.memberSecondFactors,
    updatedAt: organization.settingsUpdatedAt,
    updatedBy,
  };
}
