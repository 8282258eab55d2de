import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { MailKind } from '../mail/mail-templates';
import { MailService } from '../mail/mail.service';
import { UsersService } from '../users/users.service';
import { OrganizationMembershipEntity } from './entities/organization-membership.entity';
import { isPastSetupDeadline, memberSetupDeadlineSql, TWO_FACTOR_REMINDER_HOURS_BEFORE } from './utils/two-factor-requirement.util';

/** The organizations whose phishing-resistant rule holds a user, and the earliest end of their grace periods; null when none does. */
export type PasskeyRequirement = { organizations: string[]; deadline: Date } | null;

/** Reminders claimed per call of sendDueTwoFactorReminders; a periodic job calls it again for the rest. */
const REMINDER_BATCH = 500;

/** Each membership's deadline under the 2FA requirement, and under the phishing-resistant rule (same grace period, own start). */
const TWO_FACTOR_DEADLINE = memberSetupDeadlineSql('o.require_two_factor_since', 'm.joined_at', 'o.two_factor_grace_period_hours');
const PASSKEY_DEADLINE = memberSetupDeadlineSql('o.phishing_resistant_since', 'm.joined_at', 'o.two_factor_grace_period_hours');

const SETUP_DEADLINE_SQL = `SELECT min(${TWO_FACTOR_DEADLINE}) AS deadline
         FROM organization_memberships m
         JOIN organizations o ON o.id = m.organization_id
        WHERE m.user_id = $1 AND o.require_two_factor`;

const PASSKEY_REQUIREMENT_SQL = `SELECT o.name, ${PASSKEY_DEADLINE} AS deadline
         FROM organization_memberships m
         JOIN organizations o ON o.id = m.organization_id
        WHERE m.user_id = $1 AND o.require_two_factor AND o.phishing_resistant_since IS NOT NULL
          AND CASE WHEN m.role = 'MEMBER' THEN o.member_second_factors ELSE o.admin_second_factors END = 'PHISHING_RESISTANT'
        ORDER BY deadline, o.name`;

/**
 * What the organizations' 2FA requirement asks of one user, and by when: the one home of the
 * deadline (memberSetupDeadline, in SQL here) and of the overdue rule, which the access guard,
 * the sessions and the two-factor status ask. Each question is one query on the memberships'
 * user_id index.
 */
@Injectable()
export class TwoFactorRequirementService {
  constructor(
    @InjectRepository(OrganizationMembershipEntity) private readonly memberships: Repository<OrganizationMembershipEntity>,
    private readonly users: UsersService,
    private readonly mail: MailService,
    private readonly clock: Clock,
  ) {}

  private readonly logger = new Logger(TwoFactorRequirementService.name);

  /**
   * The earliest deadline by which an organization of the user requires 2FA, or null when none does.
   * Each membership's grace period counts from the later of the requirement's start and the joining.
   */
  async setupDeadline(userId: string, db: EntityManager = this.memberships.manager): Promise<Date | null> {
    const rows: Array<{ deadline: Date | null }> = await db.query(SETUP_DEADLINE_SQL, [userId]);
    return rows[0]?.deadline ?? null;
  }

  /**
   * True when an organization requires 2FA of this user, who has none, and its grace period is
   * over: from then on they can only set it up (or leave). The guard asks on every request; a user
   * with 2FA on costs no query.
   */
  async isOverdue(user: { id: string; twoFactorEnabledAt: Date | null }, db?: EntityManager): Promise<boolean> {
    if (user.twoFactorEnabledAt) return false;
    return isPastSetupDeadline(await this.setupDeadline(user.id, db), this.clock.now());
  }

  /** Whether an organization of the user requires 2FA at all, grace period or not; in the caller's transaction. */
  async isRequiredOf(userId: string, db?: EntityManager): Promise<boolean> {
    return (await this.setupDeadline(userId, db)) !== null;
  }

  /**
   * The deadlines the two-factor status shows: by when a user without 2FA must set it up, and, for
   * one with 2FA on, by when they would have to set it up again after turning it off (turning it
   * off does not restart the grace period; null once it is over, when setup would be due at once).
   */
  async statusDeadlines(user: { id: string; twoFactorEnabledAt: Date | null }): Promise<{ setupRequiredBy: Date | null; setupRequiredByIfDisabled: Date | null }> {
    const deadline = await this.setupDeadline(user.id);
    if (!user.twoFactorEnabledAt) return { setupRequiredBy: deadline, setupRequiredByIfDisabled: null };
    return { setupRequiredBy: null, setupRequiredByIfDisabled: isPastSetupDeadline(deadline, this.clock.now()) ? null : deadline };
  }

  /**
   * The organizations whose rule accepts only phishing-resistant factors from this user's role, and
   * the earliest end of their grace periods (from the rule's start or the joining, as for 2FA): the
   * strictest wins. None of them: null.
   */
  async passkeyRequirement(userId: string): Promise<PasskeyRequirement> {
    const rows: Array<{ name: string; deadline: Date }> = await this.memberships.query(PASSKEY_REQUIREMENT_SQL, [userId]);
    if (rows.length === 0) return null;
    return { organizations: rows.map((row) => row.name), deadline: new Date(rows[0]!.deadline) };
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
         CROSS JOIN LATERAL (SELECT ${TWO_FACTOR_DEADLINE} AS deadline) d
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
}
