import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '../common/app-error';
import { Clock } from '../common/clock';
import { requireUuid } from '../common/ids';
import { Transactions } from '../database/transactions';
import type { OrganizationMembershipEntity } from './entities/organization-membership.entity';
import type { OrganizationEntity } from './entities/organization.entity';
import { OrganizationRole } from './models/organization-role.model';
import { memberOrganizationsSql, OrganizationMembershipsRepository } from './organization-memberships.repository';
import { OrganizationsRepository } from './organizations.repository';
import { isManagerRole, type SharedMembership, standsAtOrAboveEverywhere } from './utils/role-rules.util';
import { memberSetupDeadline } from './utils/two-factor-requirement.util';

/** What an invitation shows of its organization. */
export interface OrganizationSummary {
  id: string;
  name: string;
  requireTwoFactor: boolean;
  twoFactorGracePeriodHours: number;
}

/** A member's role and joining. */
export interface Membership {
  userId: string;
  role: OrganizationRole;
  joinedAt: Date;
}

/**
 * Told, inside the transaction that makes the change, that a member's role changed or that they
 * left (newRole null): other modules keep what the member may no longer do from outliving it.
 */
export type MembershipChangeListener = (db: EntityManager, change: { organizationId: string; userId: string; newRole: OrganizationRole | null }) => Promise<void>;

/**
 * Who belongs to which organization with which role: the membership rows, the organization lock
 * changes of members run under, and the role checks. Other modules (invitations, two-factor,
 * webhooks, exports) come here rather than to the tables. Every lookup by an organization id a
 * caller gave answers NOT_FOUND unless the caller is a member, so other organizations stay
 * invisible; role checks (FORBIDDEN) come only after that.
 */
@Injectable()
export class MembershipsService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly memberships: OrganizationMembershipsRepository,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {}

  private readonly listeners: MembershipChangeListener[] = [];

  /** For modules that depend on this one (invitations): called on every role change and departure. */
  onMembershipChange(listener: MembershipChangeListener): void {
    this.listeners.push(listener);
  }

  // ---- changes, with the organization locked --------------------------------------------------

  /**
   * Runs a change of members with the organization row locked, so changes to one organization's
   * members run one after another: two concurrent demotions cannot both see "another owner left".
   * The caller's role is read after the lock, so it is current (NOT_FOUND for an organization that
   * is not the caller's, FORBIDDEN for a MEMBER). `change` must query only through `db`: waiting
   * for another pooled connection while holding one could starve the pool.
   */
  changeMembers<T>(
    callerId: string,
    organizationId: string,
    change: (db: EntityManager, callerRole: OrganizationRole, organization: OrganizationEntity) => Promise<T>,
  ): Promise<T> {
    return this.transactions.run(async (db) => {
      const organization = await this.lock(db, organizationId);
      const callerRole = await this.requireManager(callerId, organizationId, db);
      return change(db, callerRole, organization);
    });
  }

  /** changeMembers for other modules, which see the organization as a summary. */
  inManagedOrganization<T>(
    callerId: string,
    rawOrganizationId: string,
    change: (db: EntityManager, callerRole: OrganizationRole, organization: OrganizationSummary) => Promise<T>,
  ): Promise<T> {
    return this.changeMembers(callerId, requireOrganizationId(rawOrganizationId), (db, role, organization) =>
      change(db, role, toSummary(organization)),
    );
  }

  /** SELECT … FOR UPDATE on the organization row: serialises changes to the organization. */
  async lock(db: EntityManager, organizationId: string): Promise<OrganizationEntity> {
    const organization = await this.organizations.lock(organizationId, db);
    if (!organization) throw AppError.notFound('The organization');
    return organization;
  }

  /** Inserts the membership in the caller's transaction; false when the user already is a member. */
  async add(db: EntityManager, membership: Membership & { organizationId: string }): Promise<boolean> {
    return this.memberships.insertIfAbsent(membership, db);
  }

  /**
   * Makes the user a member with the role, inside the caller's transaction. A user who is already
   * a member is CONFLICT (the transaction rolls back, so an invitation stays unused).
   */
  async join(db: EntityManager, organizationId: string, userId: string, role: OrganizationRole): Promise<void> {
    if (!(await this.add(db, { organizationId, userId, role, joinedAt: this.clock.now() }))) {
      throw new AppError(ErrorCode.CONFLICT, 'You are already a member of this organization.');
    }
  }

  async changeRole(db: EntityManager, organizationId: string, userId: string, role: OrganizationRole): Promise<void> {
    await this.memberships.setRole(organizationId, userId, role, db);
    await this.changed(db, organizationId, userId, role);
  }

  async remove(db: EntityManager, organizationId: string, userId: string): Promise<void> {
    await this.memberships.delete(organizationId, userId, db);
    await this.changed(db, organizationId, userId, null);
  }

  /** Call with the organization locked (changeMembers), or two concurrent calls could both pass. */
  async requireAnotherOwner(db: EntityManager, organizationId: string): Promise<void> {
    const owners = await this.memberships.countOwnersOf(organizationId, db);
    if (owners <= 1) {
      throw new AppError(ErrorCode.FAILED_PRECONDITION, 'An organization needs at least one owner. Make another member an owner first.');
    }
  }

  private async changed(db: EntityManager, organizationId: string, userId: string, newRole: OrganizationRole | null): Promise<void> {
    for (const listener of this.listeners) await listener(db, { organizationId, userId, newRole });
  }

  // ---- roles ----------------------------------------------------------------------------------

  /** The caller's role; NOT_FOUND when the organization is not theirs, so it looks as if it did not exist. */
  async roleOf(callerId: string, organizationId: string, db?: EntityManager): Promise<OrganizationRole> {
    const role = (await this.memberships.find(organizationId, callerId, db))?.role;
    if (!role) throw AppError.notFound('The organization');
    return role;
  }

  /** The caller's role in an organization they manage; NOT_FOUND or FORBIDDEN otherwise. */
  managerRole(callerId: string, rawOrganizationId: string): Promise<OrganizationRole> {
    return this.requireManager(callerId, requireOrganizationId(rawOrganizationId));
  }

  async requireManager(callerId: string, organizationId: string, db?: EntityManager): Promise<OrganizationRole> {
    const role = await this.roleOf(callerId, organizationId, db);
    if (!isManagerRole(role)) throw AppError.forbidden('Only owners and admins of the organization can do this.');
    return role;
  }

  /** The user's role in the organization now, or null when they are not a member; in the caller's transaction. */
  async roleIn(db: EntityManager, organizationId: string, userId: string): Promise<OrganizationRole | null> {
    return (await this.memberships.find(organizationId, userId, db))?.role ?? null;
  }

  isMember(organizationId: string, userId: string, db?: EntityManager): Promise<boolean> {
    return this.memberships.exists(organizationId, userId, db);
  }

  /** The roles of the caller and the user in each organization both belong to. */
  sharedMemberships(callerId: string, userId: string, db?: EntityManager): Promise<SharedMembership[]> {
    return this.memberships.sharedRoles(callerId, userId, db);
  }

  /**
   * FORBIDDEN unless the caller's role is at least the member's in every organization the two
   * share (standsAtOrAboveEverywhere), read inside the caller's transaction.
   */
  async requireStandingOver(db: EntityManager, callerId: string, memberId: string, message: string): Promise<void> {
    if (!standsAtOrAboveEverywhere(await this.sharedMemberships(callerId, memberId, db))) throw AppError.forbidden(message);
  }

  // ---- reading members ------------------------------------------------------------------------

  /**
   * A member's role and joining, read inside the caller's transaction (inManagedOrganization);
   * NOT_FOUND when the user is not a member of this organization.
   */
  async findMember(db: EntityManager, organizationId: string, rawUserId: string): Promise<Membership> {
    const membership = await this.memberships.find(organizationId, requireMemberId(rawUserId), db);
    if (!membership) throw AppError.notFound('The member');
    return { userId: membership.userId, role: membership.role, joinedAt: membership.joinedAt };
  }

  /** Every member of the organization. */
  async membersOf(organizationId: string): Promise<Membership[]> {
    return (await this.memberships.membersOf(organizationId)).map(toMembership);
  }

  /** The user's role in each organization they belong to. */
  async rolesOf(userId: string): Promise<Map<string, OrganizationRole>> {
    return new Map((await this.memberships.membershipsOf(userId)).map((m) => [m.organizationId, m.role]));
  }

  /**
   * Holds, until the caller's transaction ends, any other transaction that would change how many
   * organizations the user owns (through this call): read ownedCount after it.
   */
  lockOwnershipsOf(db: EntityManager, userId: string): Promise<void> {
    return this.memberships.lockOwnershipsOf(userId, db);
  }

  /** How many organizations the user owns, in the caller's transaction. */
  ownedCount(db: EntityManager, userId: string): Promise<number> {
    return this.memberships.countOwnedBy(userId, db);
  }

  /**
   * One page of an organization's members in user id order, after `afterUserId`, each with the
   * deadline by which this organization wants 2FA (null when it does not require it): the members'
   * 2FA report reads them page by page. Call after managerRole.
   */
  async memberPage(organizationId: string, afterUserId: string | null, limit: number): Promise<Array<Membership & { setupDeadline: Date | null }>> {
    const organization = await this.organizations.findByIdOrFail(organizationId);
    const memberships = await this.memberships.pageOf(organizationId, afterUserId, limit);
    const since = organization.requireTwoFactor ? organization.requireTwoFactorSince : null;
    return memberships.map((m) => ({
      ...toMembership(m),
      setupDeadline: since ? memberSetupDeadline(since, m.joinedAt, organization.twoFactorGracePeriodHours) : null,
    }));
  }

  /** The ids of every organization the user is a member of. */
  organizationIdsOf(userId: string, db?: EntityManager): Promise<string[]> {
    return this.memberships.organizationIdsOf(userId, db);
  }

  /**
   * The organizations of the user whose id the SQL expression `userIdSql` gives, as a subquery for
   * another module's statement that must run in one piece (the webhooks' outbox, beside each event).
   */
  memberOrganizationsSql(userIdSql: string): string {
    return memberOrganizationsSql(userIdSql);
  }

  async summaries(organizationIds: readonly string[]): Promise<Map<string, OrganizationSummary>> {
    if (organizationIds.length === 0) return new Map();
    const organizations = await this.organizations.findByIds([...new Set(organizationIds)]);
    return new Map(organizations.map((o) => [o.id, toSummary(o)]));
  }
}

export function requireOrganizationId(id: string): string {
  return requireUuid(id, 'The organization');
}

export function requireMemberId(id: string): string {
  return requireUuid(id, 'The member');
}

function toMembership(membership: OrganizationMembershipEntity): Membership {
  return { userId: membership.userId, role: membership.role, joinedAt: membership.joinedAt };
}

function toSummary(organization: OrganizationEntity): OrganizationSummary {
  return {
    id: organization.id,
    name: organization.name,
    requireTwoFactor: organization.requireTwoFactor,
    twoFactorGracePeriodHours: organization.twoFactorGracePeriodHours,
  };
}
