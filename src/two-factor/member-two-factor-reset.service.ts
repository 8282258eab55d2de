import { Injectable } from '@nestjs/common';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { SessionsService } from '../auth/sessions.service';
import { AppError, ErrorCode } from '../common/app-error';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { Clock } from '../common/clock';
import { MailKind } from '../mail/mail-templates';
import { MailService } from '../mail/mail.service';
import { MembershipsService } from '../organizations/memberships.service';
import type { OrganizationMember } from '../organizations/models/organization.model';
import { TwoFactorRequirementService } from '../organizations/two-factor-requirement.service';
import { mayResetSecondFactorOf } from '../organizations/utils/role-rules.util';
import { toUser } from '../users/models/user.model';
import { UsersService } from '../users/users.service';
import { AccountFactors } from './account-factors';
import type { ResetMemberTwoFactorInput } from './dto/two-factor.inputs';
import { RecoveryCodesLowWarning } from './recovery-codes-low.warning';
import { invalidCode, SECOND_FACTOR_PAUSED, SecondFactorTries } from './second-factor-tries';
import { exactlyOneFactor } from './utils/second-factor-input.util';

/**
 * An OWNER or ADMIN turns off the 2FA of a member who lost their second factor, confirming with a
 * fresh code of their own. It runs with the organization locked (inManagedOrganization: NOT_FOUND
 * before FORBIDDEN), and the member's 2FA is switched off by a conditional UPDATE that holds the
 * member's row: of two admins at once, even of two organizations, one resets and the other is told
 * there is nothing left to reset. Everything the member could sign in with beyond the password
 * goes in the same transaction, and so do their sessions.
 */
@Injectable()
export class MemberTwoFactorResetService {
  constructor(
    private readonly memberships: MembershipsService,
    private readonly requirement: TwoFactorRequirementService,
    private readonly factors: AccountFactors,
    private readonly tries: SecondFactorTries,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly securityEvents: SecurityEventsService,
    private readonly mail: MailService,
    private readonly lowCodesWarning: RecoveryCodesLowWarning,
    private readonly clock: Clock,
  ) {}

  async reset(session: AuthenticatedSession, input: ResetMemberTwoFactorInput): Promise<OrganizationMember> {
    const factor = exactlyOneFactor(input.code, input.recoveryCode);
    let remainingRecoveryCodes: number | null = null;
    const reset = await this.tries.run(
      session.user,
      () =>
        this.memberships.inManagedOrganization(session.userId, input.organizationId, async (db, callerRole, organization) => {
          const member = await this.memberships.findMember(db, organization.id, input.userId);
          if (member.userId === session.userId) {
            throw AppError.forbidden('You cannot reset your own 2-step verification: turn it off yourself (disableTwoFactor), or ask another owner or admin.');
          }
          if (!mayResetSecondFactorOf(callerRole, member.role)) {
            throw AppError.forbidden("Only an owner can reset an owner's 2-step verification.");
          }
          await this.memberships.requireStandingOver(
            db,
            session.userId,
            member.userId,
            'This member holds a higher role than yours in another organization you share: only someone at least their equal in every one of them can reset their 2-step verification. Ask an owner there.',
          );
          if (!session.user.twoFactorEnabledAt) {
            throw new AppError(ErrorCode.FAILED_PRECONDITION, "Turn on 2-step verification for your own account before resetting a member's.");
          }
          if (!(await this.users.turnTwoFactorOffIfOn(member.userId, db))) {
            throw new AppError(ErrorCode.FAILED_PRECONDITION, 'This member does not have 2-step verification on (any more): there is nothing to reset.');
          }
          remainingRecoveryCodes = await this.factors.spend(session.userId, factor, db);
          await this.factors.removeAll(member.userId, db);
          await this.sessions.revokeAll(member.userId, db);
          // Recorded in every organization of the member: each one's admins see their member lost their factors.
          for (const organizationId of await this.memberships.organizationIdsOf(member.userId, db)) {
            await this.securityEvents.record(
              { type: SecurityEventType.TWO_FACTOR_RESET_BY_ADMIN, userId: member.userId, actorUserId: session.userId, organizationId },
              db,
            );
          }
          return { ...member, organizationName: organization.name, requiredNow: await this.requirement.isRequiredOf(member.userId, db) };
        }),
      { wrong: () => invalidCode(), locked: SECOND_FACTOR_PAUSED },
    );
    await this.lowCodesWarning.afterUse(session.user, remainingRecoveryCodes);
    const member = await this.users.findById(reset.userId);
    if (!member) throw AppError.notFound('The member');
    this.mail.sendNotice(
      member.email,
      MailKind.TWO_FACTOR_RESET_BY_ADMIN,
      {
        // The address too: a name alone may not tell the member which admin to ask.
        actor: session.user.name ? `${session.user.name} (${session.user.email})` : session.user.email,
        organization: reset.organizationName,
        when: this.clock.now().toUTCString(),
        requiresTwoFactor: reset.requiredNow,
      },
      member.language,
    );
    return { user: toUser(member), role: reset.role, joinedAt: reset.joinedAt };
  }
}
