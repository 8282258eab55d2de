import { Injectable } from '@nestjs/common';
import { SecurityEvent, SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { AppError, ErrorCode } from '../common/app-error';
import type { SessionUser } from '../common/authenticated-session';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transactions';
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
} from './dto/organization.inputs';
import type { OrganizationEntity } from './entities/organization.entity';
import { AllowedSecondFactors } from './models/allowed-second-factors.model';
import { OrganizationRole } from './models/organization-role.model';
import { Organization, OrganizationMember, toOrganization } from './models/organization.model';
import { MembershipsService, requireMemberId, requireOrganizationId } from './memberships.service';
import { OrganizationsRepository } from './organizations.repository';
import { TwoFactorRequirementService } from './two-factor-requirement.service';
import { mayAddDirectly, mayMoveBetweenRoles, ROLE_RANK } from './utils/role-rules.util';
import { memberSetupDeadline } from './utils/two-factor-requirement.util';

/**
 * Organizations one account may own: each one is a fresh budget of invitations, so an unbounded
 * number would make one account a mail relay.
 */
export const MAX_OWNED_ORGANIZATIONS = 5;

/**
 * Organizations and their members, as their owners and admins manage them. The membership rows
 * and role checks are MembershipsService's; the security settings, SecuritySettingsService's.
 */
@Injectable()
export class OrganizationsService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly transactions: Transactions,
    private readonly memberships: MembershipsService,
    private readonly requirement: TwoFactorRequirementService,
    private readonly users: UsersService,
    private readonly securityEvents: SecurityEventsService,
    private readonly mail: MailService,
    private readonly clock: Clock,
  ) {}

  // ---- organizations --------------------------------------------------------------------------

  async create(callerId: string, input: CreateOrganizationInput): Promise<Organization> {
    const now = this.clock.now();
    return this.transactions.run(async (db) => {
      // Held to the end of the transaction: two concurrent creates cannot both pass the count.
      await this.memberships.lockOwnershipsOf(db, callerId);
      if ((await this.memberships.ownedCount(db, callerId)) >= MAX_OWNED_ORGANIZATIONS) {
        throw new AppError(
          ErrorCode.FAILED_PRECONDITION,
          `You already own ${MAX_OWNED_ORGANIZATIONS} organizations, the most one account may own. To start another, make someone else the owner of one and leave it.`,
        );
      }
      const organization = await this.organizations.insert(
        {
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
        },
        db,
      );
      await this.memberships.add(db, { organizationId: organization.id, userId: callerId, role: OrganizationRole.OWNER, joinedAt: now });
      return toOrganization(organization, OrganizationRole.OWNER, null);
    });
  }

  async listMine(callerId: string): Promise<Organization[]> {
    const roles = await this.memberships.rolesOf(callerId);
    if (roles.size === 0) return [];
    const organizations = await this.organizations.findByIdsByName([...roles.keys()]);
    const updaters = await this.usersById(organizations.map((o) => o.settingsUpdatedBy));
    const updaterOf = (o: OrganizationEntity) => (o.settingsUpdatedBy && updaters.get(o.settingsUpdatedBy)) || null;
    return organizations.map((o) => toOrganization(o, roles.get(o.id)!, updaterOf(o)));
  }

  /** The caller's organizations that require 2FA: who set the requirement, so a member can ask them or leave. */
  async listRequiringTwoFactor(userId: string): Promise<Organization[]> {
    return (await this.listMine(userId)).filter((organization) => organization.securitySettings.requireTwoFactor);
  }

  async findForMember(callerId: string, rawOrganizationId: string): Promise<Organization> {
    const organizationId = requireOrganizationId(rawOrganizationId);
    const role = await this.memberships.roleOf(callerId, organizationId);
    const organization = await this.organizations.findByIdOrFail(organizationId);
    return toOrganization(organization, role, await this.userOrNull(organization.settingsUpdatedBy));
  }

  async listSecurityEvents(callerId: string, rawOrganizationId: string, first?: number | null): Promise<SecurityEvent[]> {
    const organizationId = requireOrganizationId(rawOrganizationId);
    await this.memberships.requireManager(callerId, organizationId);
    return this.securityEvents.listForOrganization(organizationId, first);
  }

  // ---- members --------------------------------------------------------------------------------

  async listMembers(callerId: string, rawOrganizationId: string): Promise<OrganizationMember[]> {
    const organizationId = requireOrganizationId(rawOrganizationId);
    await this.memberships.requireManager(callerId, organizationId);
    const memberships = await this.memberships.membersOf(organizationId);
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
    const user = found && mayAddDirectly(await this.memberships.sharedMemberships(callerId, found.id)) ? found : null;
    const added = await this.memberships.changeMembers(callerId, organizationId, async (db, callerRole, organization) => {
      requireMayMove(callerRole, null, input.role);
      if (!user) {
        throw new AppError(
          ErrorCode.NOT_FOUND,
          'No account you manage in another of your organizations has this email. Invite the person instead (inviteOrganizationMember): the invitation reaches them whether or not they have an account.',
        );
      }
      const joinedAt = this.clock.now();
      if (!(await this.memberships.add(db, { organizationId, userId: user.id, role: input.role, joinedAt }))) {
        throw new AppError(ErrorCode.CONFLICT, 'This user is already a member of the organization.');
      }
      await this.securityEvents.record({ type: SecurityEventType.ORGANIZATION_MEMBER_ADDED, userId: user.id, actorUserId: callerId, organizationId }, db);
      return { member: { user: toUser(user), role: input.role, joinedAt }, organization };
    });
    await this.mailAddedMember(callerId, user!, added.organization, added.member);
    return added.member;
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
    const membership = await this.memberships.changeMembers(callerId, organizationId, async (db, callerRole) => {
      const current = await this.memberships.findMember(db, organizationId, userId);
      requireMayMove(callerRole, current.role, input.role);
      if (current.role !== input.role) {
        if (current.role === OrganizationRole.OWNER) await this.memberships.requireAnotherOwner(db, organizationId);
        await this.memberships.changeRole(db, organizationId, userId, input.role);
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
    await this.memberships.changeMembers(caller.id, organizationId, async (db, callerRole) => {
      if (await this.requirement.isOverdue(caller, db)) {
        throw new AppError(
          ErrorCode.TWO_FACTOR_SETUP_REQUIRED,
          'An organization of yours requires two-step verification. Set it up to manage members; until then you can only leave an organization.',
        );
      }
      const membership = await this.memberships.findMember(db, organizationId, userId);
      requireMayMove(callerRole, membership.role, null);
      if (membership.role === OrganizationRole.OWNER) await this.memberships.requireAnotherOwner(db, organizationId);
      await this.memberships.remove(db, organizationId, userId);
      await this.securityEvents.record({ type: SecurityEventType.ORGANIZATION_MEMBER_REMOVED, userId, actorUserId: caller.id, organizationId }, db);
    });
  }

  private async leave(callerId: string, organizationId: string): Promise<void> {
    await this.transactions.run(async (db) => {
      await this.memberships.lock(db, organizationId);
      const role = await this.memberships.roleOf(callerId, organizationId, db);
      if (role === OrganizationRole.OWNER) await this.memberships.requireAnotherOwner(db, organizationId);
      await this.memberships.remove(db, organizationId, callerId);
      await this.securityEvents.record(
        { type: SecurityEventType.ORGANIZATION_MEMBER_REMOVED, userId: callerId, actorUserId: callerId, organizationId },
        db,
      );
    });
  }

  // ---- internals ------------------------------------------------------------------------------

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

function requireMayMove(callerRole: OrganizationRole, from: OrganizationRole | null, to: OrganizationRole | null): void {
  if (!mayMoveBetweenRoles(callerRole, from, to)) {
    throw AppError.forbidden('Only an owner can grant or take the OWNER role.');
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
