import { Injectable } from '@nestjs/common';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { AppError, ErrorCode } from '../common/app-error';
import type { SessionUser } from '../common/authenticated-session';
import { Clock } from '../common/clock';
import { PasskeyPresence } from '../common/passkey-presence';
import { MailKind } from '../mail/mail-templates';
import { Transactions } from '../database/transactions';
import { MailService } from '../mail/mail.service';
import { toUser } from '../users/models/user.model';
import { UsersService } from '../users/users.service';
import type { UpdateOrganizationSecuritySettingsInput } from './dto/organization.inputs';
import type { OrganizationEntity } from './entities/organization.entity';
import { AllowedSecondFactors } from './models/allowed-second-factors.model';
import { type OrganizationSecuritySettings, toSecuritySettings } from './models/organization.model';
import { MembershipsService, requireOrganizationId } from './memberships.service';
import { type OrganizationSettings, OrganizationsRepository } from './organizations.repository';
import { demandsPhishingResistant, memberSetupDeadline, requirementStart } from './utils/two-factor-requirement.util';

/**
 * Changing an organization's security settings (whether 2FA is required, the grace period, which
 * factors each role may use) and telling the members it newly holds, each with their own deadline.
 */
@Injectable()
export class SecuritySettingsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly organizations: OrganizationsRepository,
    private readonly memberships: MembershipsService,
    private readonly users: UsersService,
    private readonly securityEvents: SecurityEventsService,
    private readonly mail: MailService,
    private readonly passkeyPresence: PasskeyPresence,
    private readonly clock: Clock,
  ) {}

  async update(caller: SessionUser, input: UpdateOrganizationSecuritySettingsInput): Promise<OrganizationSecuritySettings> {
    const organizationId = requireOrganizationId(input.organizationId);
    const saved = await this.transactions.run(async (db) => {
      // Locked: the new since-time is derived from the current one, so two saves must not interleave.
      const organization = await this.memberships.lock(db, organizationId);
      await this.memberships.requireManager(caller.id, organizationId, db);
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
      const settings: OrganizationSettings = {
        requireTwoFactor: input.requireTwoFactor,
        twoFactorGracePeriodHours: input.twoFactorGracePeriodHours ?? organization.twoFactorGracePeriodHours,
        requireTwoFactorSince: requirementStart(organization.requireTwoFactorSince, input.requireTwoFactor, now),
        adminSecondFactors,
        memberSecondFactors,
        phishingResistantSince: requirementStart(organization.phishingResistantSince, strict, now),
        settingsUpdatedAt: now,
        settingsUpdatedBy: caller.id,
      };
      await this.organizations.updateSettings(organizationId, settings, db);
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
    const members = await this.memberships.membersOf(after.id);
    const newlyHeld = members.filter((m) => demandsPhishingResistant(after, m.role) && !demandsPhishingResistant(before, m.role));
    if (newlyHeld.length === 0) return;
    const users = new Map((await this.users.findByIds(newlyHeld.map((m) => m.userId))).map((user) => [user.id, user]));
    for (const member of newlyHeld) {
      const user = users.get(member.userId);
      if (!user) continue;
      const deadline = memberSetupDeadline(after.phishingResistantSince!, member.joinedAt, after.twoFactorGracePeriodHours);
      this.mail.sendNotice(user.email, MailKind.PASSKEY_REQUIRED, { organization: after.name, deadline: deadline.toUTCString() }, user.language);
    }
  }

  /** Mails each member without 2FA that the organization now requires it, with their own deadline. */
  private async mailRequirementToMembers(organization: OrganizationEntity): Promise<void> {
    const since = organization.requireTwoFactorSince!;
    const members = await this.memberships.membersOf(organization.id);
    const joinedAt = new Map(members.map((m) => [m.userId, m.joinedAt]));
    const users = await this.users.findByIds(members.map((m) => m.userId));
    for (const user of users) {
      if (user.twoFactorEnabledAt) continue;
      const deadline = memberSetupDeadline(since, joinedAt.get(user.id)!, organization.twoFactorGracePeriodHours);
      this.mail.sendNotice(user.email, MailKind.TWO_FACTOR_REQUIRED, { organization: organization.name, deadline: deadline.toUTCString() }, user.language);
    }
  }
}
