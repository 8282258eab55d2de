import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { OrganizationMembershipEntity } from './entities/organization-membership.entity';

/**
 * memberSetupDeadline (utils/two-factor-requirement.util.ts) as a PostgreSQL expression over the
 * three SQL expressions given (columns or parameters): the two must agree, and
 * test/two-factor-requirement.medium-spec.ts holds them to it.
 */
export function memberSetupDeadlineSql(requirementStartedAt: string, joinedAt: string, gracePeriodHours: string): string {
  return `(greatest(${requirementStartedAt}, ${joinedAt}) + make_interval(hours => ${gracePeriodHours}))`;
}

/** Each membership's deadline under the 2FA requirement, and under the phishing-resistant rule (same grace period, own start). */
const TWO_FACTOR_DEADLINE = memberSetupDeadlineSql('o.require_two_factor_since', 'm.joined_at', 'o.two_factor_grace_period_hours');
const PASSKEY_DEADLINE = memberSetupDeadlineSql('o.phishing_resistant_since', 'm.joined_at', 'o.two_factor_grace_period_hours');

/** A membership whose 2FA reminder is due, with its organization's name and the member's deadline. */
export interface DueReminder {
  organizationId: string;
  userId: string;
  organizationName: string;
  deadline: Date;
}

/**
 * The memberships seen through their organization's requirement: each member's deadline, computed
 * in SQL (memberSetupDeadlineSql), and the reminders. The only writer of the memberships'
 * two_factor_reminder_for column. Each read by user is one query on the memberships' user_id index.
 */
@Injectable()
export class TwoFactorRequirementRepository {
  constructor(@InjectRepository(OrganizationMembershipEntity) private readonly memberships: Repository<OrganizationMembershipEntity>) {}

  /** The earliest deadline of the organizations of the user that require 2FA; null when none does. */
  async earliestSetupDeadline(userId: string, db: EntityManager = this.memberships.manager): Promise<Date | null> {
    const rows: Array<{ deadline: Date | null }> = await db.query(
      `SELECT min(${TWO_FACTOR_DEADLINE}) AS deadline
         FROM organization_memberships m
         JOIN organizations o ON o.id = m.organization_id
        WHERE m.user_id = $1 AND o.require_two_factor`,
      [userId],
    );
    return rows[0]?.deadline ?? null;
  }

  /**
   * The organizations of the user whose rule accepts only phishing-resistant factors from the
   * user's role there, each with the user's deadline, the earliest first.
   */
  async phishingResistantRules(userId: string): Promise<Array<{ organizationName: string; deadline: Date }>> {
    const rows: Array<{ name: string; deadline: Date }> = await this.memberships.query(
      `SELECT o.name, ${PASSKEY_DEADLINE} AS deadline
         FROM organization_memberships m
         JOIN organizations o ON o.id = m.organization_id
        WHERE m.user_id = $1 AND o.require_two_factor AND o.phishing_resistant_since IS NOT NULL
          AND CASE WHEN m.role = 'MEMBER' THEN o.member_second_factors ELSE o.admin_second_factors END = 'PHISHING_RESISTANT'
        ORDER BY deadline, o.name`,
      [userId],
    );
    return rows.map((row) => ({ organizationName: row.name, deadline: new Date(row.deadline) }));
  }

  /**
   * Up to `limit` memberships under a requirement with a grace period longer than `hoursBefore`,
   * not yet reminded of the requirement as it stands, whose deadline is within `hoursBefore` of
   * `now` and not past.
   */
  async dueReminders(now: Date, hoursBefore: number, limit: number): Promise<DueReminder[]> {
    const rows: Array<{ organization_id: string; user_id: string; name: string; deadline: Date }> = await this.memberships.query(
      `SELECT m.organization_id, m.user_id, o.name, d.deadline
         FROM organization_memberships m
         JOIN organizations o ON o.id = m.organization_id
         CROSS JOIN LATERAL (SELECT ${TWO_FACTOR_DEADLINE} AS deadline) d
        WHERE o.require_two_factor
          AND o.two_factor_grace_period_hours > $2
          AND m.two_factor_reminder_for IS DISTINCT FROM o.require_two_factor_since
          AND d.deadline - make_interval(hours => $2) <= $1
          AND d.deadline > $1
        LIMIT $3`,
      [now, hoursBefore, limit],
    );
    return rows.map((row) => ({ organizationId: row.organization_id, userId: row.user_id, organizationName: row.name, deadline: new Date(row.deadline) }));
  }

  /**
   * Claims the membership's reminder for the requirement as it stands: one conditional UPDATE, so
   * of concurrent claims exactly one gets true. False once claimed, or when 2FA is no longer required.
   */
  async claimReminder(organizationId: string, userId: string): Promise<boolean> {
    const [, claimed] = (await this.memberships.query(
      `UPDATE organization_memberships m
          SET two_factor_reminder_for = o.require_two_factor_since
         FROM organizations o
        WHERE o.id = m.organization_id AND m.organization_id = $1 AND m.user_id = $2
          AND o.require_two_factor
          AND m.two_factor_reminder_for IS DISTINCT FROM o.require_two_factor_since`,
      [organizationId, userId],
    )) as [unknown, number];
    return claimed === 1;
  }
}
