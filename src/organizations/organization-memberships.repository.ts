import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, MoreThan, type Repository } from 'typeorm';
import { OrganizationMembershipEntity } from './entities/organization-membership.entity';
import { OrganizationRole } from './models/organization-role.model';
import type { SharedMembership } from './utils/role-rules.util';

/** A membership row to insert. */
export interface NewMembership {
  organizationId: string;
  userId: string;
  role: OrganizationRole;
  joinedAt: Date;
}

/**
 * The organizations of the user whose id the SQL expression `userIdSql` gives, as a subquery for
 * another module's statement that must run in one piece (the webhooks' outbox, beside each event).
 * MembershipsService.memberOrganizationsSql hands it out.
 */
export function memberOrganizationsSql(userIdSql: string): string {
  return `SELECT organization_id FROM organization_memberships WHERE user_id = ${userIdSql}`;
}

/**
 * The organization_memberships table's statements: who belongs where with which role. The 2FA
 * reminder column (two_factor_reminder_for) is TwoFactorRequirementRepository's alone.
 */
@Injectable()
export class OrganizationMembershipsRepository {
  constructor(@InjectRepository(OrganizationMembershipEntity) private readonly memberships: Repository<OrganizationMembershipEntity>) {}

  /**
   * Serialises, until the caller's transaction ends, whatever changes how many organizations the
   * user owns: a transaction-level advisory lock, as there is no row to lock before the first.
   */
  async lockOwnershipsOf(userId: string, db: EntityManager): Promise<void> {
    await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`organizations-owned-by:${userId}`]);
  }

  /** Conditional insert: false, and nothing written, when the user already is a member. */
  async insertIfAbsent(membership: NewMembership, db: EntityManager = this.memberships.manager): Promise<boolean> {
    const inserted: unknown[] = await db.query(
      `INSERT INTO organization_memberships (organization_id, user_id, role, joined_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING
       RETURNING user_id`,
      [membership.organizationId, membership.userId, membership.role, membership.joinedAt],
    );
    return inserted.length > 0;
  }

  async setRole(organizationId: string, userId: string, role: OrganizationRole, db: EntityManager = this.memberships.manager): Promise<void> {
    await db.update(OrganizationMembershipEntity, { organizationId, userId }, { role });
  }

  async delete(organizationId: string, userId: string, db: EntityManager = this.memberships.manager): Promise<void> {
    await db.delete(OrganizationMembershipEntity, { organizationId, userId });
  }

  find(organizationId: string, userId: string, db: EntityManager = this.memberships.manager): Promise<OrganizationMembershipEntity | null> {
    return db.findOneBy(OrganizationMembershipEntity, { organizationId, userId });
  }

  exists(organizationId: string, userId: string, db: EntityManager = this.memberships.manager): Promise<boolean> {
    return db.existsBy(OrganizationMembershipEntity, { organizationId, userId });
  }

  countOwnersOf(organizationId: string, db: EntityManager = this.memberships.manager): Promise<number> {
    return db.countBy(OrganizationMembershipEntity, { organizationId, role: OrganizationRole.OWNER });
  }

  /** How many organizations the user owns. */
  countOwnedBy(userId: string, db: EntityManager = this.memberships.manager): Promise<number> {
    return db.countBy(OrganizationMembershipEntity, { userId, role: OrganizationRole.OWNER });
  }

  /** The roles of the caller and the user in each organization both belong to. */
  async sharedRoles(callerId: string, userId: string, db: EntityManager = this.memberships.manager): Promise<SharedMembership[]> {
    const rows: Array<{ caller_role: OrganizationRole; member_role: OrganizationRole }> = await db.query(
      `SELECT mine.role AS caller_role, theirs.role AS member_role
         FROM organization_memberships theirs
         JOIN organization_memberships mine ON mine.organization_id = theirs.organization_id
        WHERE theirs.user_id = $1 AND mine.user_id = $2`,
      [userId, callerId],
    );
    return rows.map((row) => ({ callerRole: row.caller_role, memberRole: row.member_role }));
  }

  membersOf(organizationId: string): Promise<OrganizationMembershipEntity[]> {
    return this.memberships.findBy({ organizationId });
  }

  membershipsOf(userId: string): Promise<OrganizationMembershipEntity[]> {
    return this.memberships.findBy({ userId });
  }

  /** Up to `limit` members of the organization in user id order, after `afterUserId` (null: from the first). */
  pageOf(organizationId: string, afterUserId: string | null, limit: number): Promise<OrganizationMembershipEntity[]> {
    return this.memberships.find({
      where: { organizationId, ...(afterUserId ? { userId: MoreThan(afterUserId) } : {}) },
      order: { userId: 'ASC' },
      take: limit,
    });
  }

  async organizationIdsOf(userId: string, db: EntityManager = this.memberships.manager): Promise<string[]> {
    const memberships = await db.find(OrganizationMembershipEntity, { where: { userId }, select: { organizationId: true } });
    return memberships.map((m) => m.organizationId);
  }
}
