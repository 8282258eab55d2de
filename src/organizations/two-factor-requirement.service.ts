import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { MailKind } from '../mail/mail-templates';
import { MailService } from '../mail/mail.service';
import { UsersService } from '../users/users.service';
import { TwoFactorRequirementRepository } from './two-factor-requirement.repository';
import { isPastSetupDeadline, TWO_FACTOR_REMINDER_HOURS_BEFORE } from './utils/two-factor-requirement.util';

/** The organizations whose phishing-resistant rule holds a user, and the earliest end of their grace periods; null when none does. */
export type PasskeyRequirement = { organizations: string[]; deadline: Date } | null;

/** Reminders claimed per call of sendDueTwoFactorReminders; a periodic job calls it again for the rest. */
const REMINDER_BATCH = 500;

/**
 * What the organizations' 2FA requirement asks of one user, and by when: the one home of the
 * overdue rule, which the access guard, the sessions and the two-factor status ask. Each question
 * is one query of TwoFactorRequirementRepository, which computes the deadline (memberSetupDeadline)
 * in SQL.
 */
@Injectable()
export class TwoFactorRequirementService {
  constructor(
    private readonly deadlines: TwoFactorRequirementRepository,
    private readonly users: UsersService,
    private readonly mail: MailService,
    private readonly clock: Clock,
  ) {}

  private readonly logger = new Logger(TwoFactorRequirementService.name);

  /**
   * The earliest deadline by which an organization of the user requires 2FA, or null when none does.
   * Each membership's grace period counts from the later of the requirement's start and the joining.
   */
  setupDeadline(userId: string, db?: EntityManager): Promise<Date | null> {
    return this.deadlines.earliestSetupDeadline(userId, db);
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
    const rules = await this.deadlines.phishingResistantRules(userId);
    if (rules.length === 0) return null;
    return { organizations: rules.map((rule) => rule.organizationName), deadline: rules[0]!.deadline };
  }

  /**
   * Mails each member without 2FA whose own deadline is less than a day away, once per requirement
   * (when the grace period is longer than a day; shorter ones only get the first mail). Idempotent:
   * each reminder is claimed by one conditional UPDATE before it is mailed, so concurrent or
   * repeated runs, on any instance, mail it once. Returns how many were mailed.
   */
  async sendDueTwoFactorReminders(now: Date): Promise<number> {
    const due = await this.deadlines.dueReminders(now, TWO_FACTOR_REMINDER_HOURS_BEFORE, REMINDER_BATCH);
    if (due.length === 0) return 0;
    const users = new Map((await this.users.findByIds(due.map((reminder) => reminder.userId))).map((user) => [user.id, user]));
    let mailed = 0;
    for (const reminder of due) {
      // Claimed before it is mailed: of concurrent runs exactly one gets it.
      const claimed = await this.deadlines.claimReminder(reminder.organizationId, reminder.userId);
      const user = users.get(reminder.userId);
      if (!claimed || !user || user.twoFactorEnabledAt) continue;
      this.mail.sendNotice(
        user.email,
        MailKind.TWO_FACTOR_REQUIRED_REMINDER,
        { organization: reminder.organizationName, deadline: reminder.deadline.toUTCString() },
        user.language,
      );
      mailed += 1;
    }
    if (mailed > 0) this.logger.log(`Mailed ${mailed} reminder(s) to set up two-step verification`);
    return mailed;
  }
}
