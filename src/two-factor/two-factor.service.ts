import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { AccountsService } from '../auth/accounts.service';
import { SessionsService } from '../auth/sessions.service';
import { TrustedDevicesService } from '../auth/trusted-devices.service';
import { deviceName } from '../common/device-name.util';
import type { AuthPayload } from '../auth/models/auth-payload.model';
import { AppError, ErrorCode } from '../common/app-error';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { addSeconds, Clock } from '../common/clock';
import { currentRequestContext } from '../common/request-context';
import type { SecondFactorWrite } from '../common/statement-params';
import { MailKind } from '../mail/mail-templates';
import { MailService } from '../mail/mail.service';
import type { OrganizationMember } from '../organizations/models/organization.model';
import { MembershipsService } from '../organizations/memberships.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { type PasskeyRequirement, TwoFactorRequirementService } from '../organizations/two-factor-requirement.service';
import { mayResetSecondFactorOf } from '../organizations/utils/role-rules.util';
import { type ClaimedPasskeyAnswer, PasskeysService } from '../passkeys/passkeys.service';
import { RecoveryCodesService } from '../recovery-codes/recovery-codes.service';
import { formatWait } from '../throttling/lock-ladder';
import { type Attempt, ThrottlingService } from '../throttling/throttling.service';
import { toUser } from '../users/models/user.model';
import { UsersService } from '../users/users.service';
import type { DisableTwoFactorInput, ResetMemberTwoFactorInput, VerifyLoginSecondFactorInput } from './dto/two-factor.inputs';
import { RecoveryCodes, TwoFactorStatus } from './models/two-factor.models';
import { LOW_RECOVERY_CODES, RecoveryCodesLowWarning } from './recovery-codes-low.warning';
import { TotpCredentials } from './totp-credentials';
import { TwoFactorSetupService } from './two-factor-setup.service';


/** A second factor as the user gave it: exactly one of the two. */
type SecondFactor = { kind: 'totp'; code: string } | { kind: 'recovery'; code: string } | { kind: 'passkey'; claimed: ClaimedPasskeyAnswer | null };

class WrongSecondFactor extends Error {}
/** The right code, already used (a resubmit): refused, but not a guess. */
class ReusedSecondFactor extends Error {}

/** Using 2FA once it is on: the second step of login, disabling, recovery-code reissue, and status. */
@Injectable()
export class TwoFactorService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly totpCredentials: TotpCredentials,
    private readonly recoveryCodes: RecoveryCodesService,
    private readonly setup: TwoFactorSetupService,
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly trustedDevices: TrustedDevicesService,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    private readonly memberships: MembershipsService,
    private readonly requirement: TwoFactorRequirementService,
    private readonly mail: MailService,
    private readonly securityEvents: SecurityEventsService,
    private readonly throttling: ThrottlingService,
    private readonly passkeys: PasskeysService,
    private readonly clock: Clock,
    private readonly lowCodesWarning: RecoveryCodesLowWarning,
  ) {}

  async status(session: AuthenticatedSession): Promise<TwoFactorStatus> {
    const enabledAt = session.user.twoFactorEnabledAt;
    const [recoveryCodesRemaining, setupStep, requiringOrganizations, deadlines, passkeyCount, passkeyRule] = await Promise.all([
      enabledAt ? this.recoveryCodes.countRemaining(session.userId) : Promise.resolve(0),
      enabledAt ? Promise.resolve(null) : this.setup.pendingStep(session.userId),
      this.organizations.listRequiringTwoFactor(session.userId),
      this.requirement.statusDeadlines(session.user),
      enabledAt ? this.passkeys.count(session.userId) : Promise.resolve(0),
      this.requirement.passkeyRequirement(session.userId),
    ]);
    return {
      enabled: enabledAt !== null,
      enabledAt,
      recoveryCodesRemaining,
      passkeyCount,
      setupStep,
      requiredByOrganization: requiringOrganizations.length > 0,
      requiringOrganizations,
      setupRequiredBy: deadlines.setupRequiredBy,
      setupRequiredByIfDisabled: deadlines.setupRequiredByIfDisabled,
      phishingResistantRequired: passkeyRule !== null,
      passkeyRequiredBy: passkeyRule && passkeyCount === 0 ? passkeyRule.deadline : null,
    };
  }

  /**
   * The second step of login. The factor is checked first (its reads and crypto, outside any
   * transaction); then one statement spends it and replaces the pending session, all or nothing
   * (SessionsService.completeSecondStep): concurrent tries on one session are served one at a
   * time through the session's row, and a wrong or used code writes nothing.
   */
  async verifyLoginSecondFactor(session: AuthenticatedSession, input: VerifyLoginSecondFactorInput): Promise<AuthPayload> {
    if (session.level !== 'PASSWORD') {
      throw new AppError(ErrorCode.FAILED_PRECONDITION, 'This session is already fully signed in.');
    }
    const given = exactlyOneLoginFactor(input);
    const rememberDevice = Boolean(input.rememberDevice);
    const passkeyRule = await this.requirement.passkeyRequirement(session.userId);
    if ('kind' in given && given.kind === 'totp') await this.refuseAppCodeUnderPasskeyRule(session.userId, passkeyRule);
    const attempt = await this.throttling.secondFactorAttempt(session.userId);
    let factor: SecondFactor;
    let write: SecondFactorWrite | null;
    let completed: Awaited<ReturnType<SessionsService['completeSecondStep']>>;
    try {
      // A passkey answer spends its challenge first: a wrong answer cannot give it back.
      factor = 'passkeyResponse' in given ? { kind: 'passkey', claimed: await this.passkeys.claimLoginAnswer(session, given.passkeyResponse) } : given;
      // An answer to a challenge already spent (or never this session's) cannot sign anyone in:
      // a copy of the right answer sent twice, like a TOTP resubmit, is refused without counting.
      if (factor.kind === 'passkey' && !factor.claimed) throw passkeyAnswerAlreadyUsed();
      write = await this.checkSecondFactor(session.userId, factor);
      const record = [
        ...(factor.kind === 'recovery' ? [SecurityEventType.RECOVERY_CODE_USED] : []),
        SecurityEventType.SECOND_FACTOR_SUCCEEDED,
        ...(rememberDevice ? [SecurityEventType.TRUSTED_DEVICE_ADDED] : []),
      ];
      completed = await this.sessions.completeSecondStep(session, write, record, rememberDevice, factor.kind === 'passkey');
    } catch (error) {
      await attempt.release();
      throw error;
    }
    if (!completed.live) {
      await attempt.release();
      throw AppError.unauthenticated('This session has ended. Sign in again.');
    }
    if (!completed.issued) {
      if (write && factor.kind === 'totp') {
        await attempt.release();
        throw codeAlreadyUsed();
      }
      const wrongCode = await this.countWrongLoginCode(session);
      await this.endFailedAttempt(session, attempt);
      throw wrongCode;
    }
    await attempt.end(true);
    if (factor.kind === 'recovery') await this.noticeRecoveryCodeUse(session.user, await this.recoveryCodes.countRemaining(session.userId));
    if (rememberDevice) {
      this.mail.sendNotice(session.user.email, MailKind.NEW_TRUSTED_DEVICE, {
        device: deviceName(currentRequestContext()?.userAgent ?? null) ?? 'An unnamed browser',
      });
    }
    return this.sessions.payloadFor(completed.issued, passkeyRule);
  }

  /**
   * Under an organization's phishing-resistant rule, a user who has a passkey no longer signs in
   * with an app code (it can be phished): FORBIDDEN, before the code is looked at, so it is not
   * spent and no wrong try is counted. A recovery code still works, into a session held to passkey
   * registration, so that a lost key can be replaced.
   */
  private async refuseAppCodeUnderPasskeyRule(userId: string, rule: PasskeyRequirement): Promise<void> {
    if (!rule || (await this.passkeys.count(userId)) === 0) return;
    throw AppError.forbidden(
      `${rule.organizations.join(', ')} accepts only a passkey or a security key for your role: use your passkey. Lost it? Use a recovery code, then add a new passkey.`,
    );
  }

  /** Needs the password and one working code; removes the secret, the codes and all trusted devices. */
  async disable(session: AuthenticatedSession, input: DisableTwoFactorInput): Promise<TwoFactorStatus> {
    const factor = exactlyOneFactor(input.code, input.recoveryCode);
    if (!session.user.twoFactorEnabledAt) throw new AppError(ErrorCode.FAILED_PRECONDITION, '2-step verification is not on.');
    await this.accounts.requirePassword(session.userId, input.password);
    const attempt = await this.throttling.secondFactorAttempt(session.userId);
    try {
      await this.dataSource.transaction(async (db) => {
        await this.useSecondFactor(session.userId, factor, db);
        // The switch first: its UPDATE locks the user's row, so a passkey being registered meanwhile
        // waits, then sees 2FA off (PasskeysService.finishRegistration), and cannot survive the deletes.
        await this.users.setTwoFactorEnabled(session.userId, null, db);
        await this.totpCredentials.delete(session.userId, db);
        await this.recoveryCodes.deleteAll(session.userId, db);
        await this.passkeys.deleteAll(session.userId, db);
        await this.trustedDevices.revokeAll(session.userId, db);
        await this.securityEvents.record({ type: SecurityEventType.TWO_FACTOR_DISABLED, userId: session.userId }, db);
      });
    } catch (error) {
      if (!(error instanceof WrongSecondFactor)) {
        await attempt.release();
        throw error instanceof ReusedSecondFactor ? codeAlreadyUsed() : error;
      }
      await this.endFailedAttempt(session, attempt);
      throw invalidCode();
    }
    await attempt.end(true);
    this.mail.sendNotice(session.user.email, MailKind.TWO_FACTOR_DISABLED);
    return this.status({ ...session, user: { ...session.user, twoFactorEnabledAt: null } });
  }

  /**
   * An OWNER or ADMIN turns off the 2FA of a member who lost their second factor, confirming with a
   * fresh code of their own. It runs with the organization locked (inManagedOrganization: NOT_FOUND
   * before FORBIDDEN), and the member's 2FA is switched off by a conditional UPDATE that holds the
   * member's row: of two admins at once, even of two organizations, one resets and the other is told
   * there is nothing left to reset. Everything the member could sign in with beyond the password
   * goes in the same transaction.
   */
  async resetMemberTwoFactor(session: AuthenticatedSession, input: ResetMemberTwoFactorInput): Promise<OrganizationMember> {
    const factor = exactlyOneFactor(input.code, input.recoveryCode);
    const attempt = await this.throttling.secondFactorAttempt(session.userId);
    let remainingRecoveryCodes: number | null = null;
    let reset: { userId: string; role: OrganizationMember['role']; joinedAt: Date; organizationName: string; requiredNow: boolean };
    try {
      reset = await this.memberships.inManagedOrganization(session.userId, input.organizationId, async (db, callerRole, organization) => {
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
          "This member holds a higher role than yours in another organization you share: only someone at least their equal in every one of them can reset their 2-step verification. Ask an owner there.",
        );
        if (!session.user.twoFactorEnabledAt) {
          throw new AppError(ErrorCode.FAILED_PRECONDITION, "Turn on 2-step verification for your own account before resetting a member's.");
        }
        if (!(await this.users.turnTwoFactorOffIfOn(member.userId, db))) {
          throw new AppError(ErrorCode.FAILED_PRECONDITION, 'This member does not have 2-step verification on (any more): there is nothing to reset.');
        }
        remainingRecoveryCodes = await this.useSecondFactor(session.userId, factor, db);
        await this.totpCredentials.delete(member.userId, db);
        await this.recoveryCodes.deleteAll(member.userId, db);
        await this.passkeys.deleteAll(member.userId, db);
        await this.trustedDevices.revokeAll(member.userId, db);
        await this.sessions.revokeAll(member.userId, db);
        // Recorded in every organization of the member: each one's admins see their member lost their factors.
        for (const organizationId of await this.memberships.organizationIdsOf(member.userId, db)) {
          await this.securityEvents.record(
            { type: SecurityEventType.TWO_FACTOR_RESET_BY_ADMIN, userId: member.userId, actorUserId: session.userId, organizationId },
            db,
          );
        }
        const requiredNow = await this.requirement.isRequiredOf(member.userId, db);
        return { ...member, organizationName: organization.name, requiredNow };
      });
    } catch (error) {
      if (!(error instanceof WrongSecondFactor)) {
        await attempt.release();
        throw error instanceof ReusedSecondFactor ? codeAlreadyUsed() : error;
      }
      await this.endFailedAttempt(session, attempt);
      throw invalidCode();
    }
    await attempt.end(true);
    await this.noticeRecoveryCodeUse(session.user, remainingRecoveryCodes);
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

  /** A new set to save; the old set keeps working until the user confirms. */
  async reissueRecoveryCodes(session: AuthenticatedSession, password: string): Promise<RecoveryCodes> {
    this.requireTwoFactorOn(session);
    await this.accounts.requirePassword(session.userId, password);
    return this.recoveryCodes.createPendingSet(session.userId);
  }

  async confirmRecoveryCodesReissue(session: AuthenticatedSession, recoveryCodesSaved: boolean): Promise<TwoFactorStatus> {
    if (recoveryCodesSaved !== true) {
      throw AppError.badInput([{ field: 'recoveryCodesSaved', message: 'must be true: save your new recovery codes first' }]);
    }
    this.requireTwoFactorOn(session);
    const activated = await this.dataSource.transaction(async (db) => {
      if (!(await this.recoveryCodes.activatePendingSet(session.userId, db))) return false;
      await this.securityEvents.record({ type: SecurityEventType.RECOVERY_CODES_REISSUED, userId: session.userId }, db);
      return true;
    });
    if (!activated) throw new AppError(ErrorCode.FAILED_PRECONDITION, 'There is no new set of recovery codes to confirm. Reissue them first.');
    this.mail.sendNotice(session.user.email, MailKind.RECOVERY_CODES_REISSUED);
    return this.status(session);
  }

  /** Checks the factor: null when it is wrong, else the conditional write that spends it once. */
  private checkSecondFactor(userId: string, factor: SecondFactor): Promise<SecondFactorWrite | null> {
    if (factor.kind === 'passkey') return this.passkeys.checkClaimedAnswer(factor.claimed);
    if (factor.kind === 'totp') return this.totpCredentials.checkCode(userId, factor.code);
    return Promise.resolve(this.recoveryCodes.checkCode(userId, factor.code));
  }

  /** Uses the code once in the caller's transaction; throws WrongSecondFactor. Returns the recovery codes left when one was used. */
  private async useSecondFactor(userId: string, factor: Exclude<SecondFactor, { kind: 'passkey' }>, db: EntityManager): Promise<number | null> {
    if (factor.kind === 'totp') {
      const check = await this.totpCredentials.acceptCode(userId, factor.code, db);
      if (check === 'wrong') throw new WrongSecondFactor();
      if (check === 'already-used') throw new ReusedSecondFactor();
      return null;
    }
    const remaining = await this.recoveryCodes.consume(userId, factor.code, db);
    if (remaining === null) throw new WrongSecondFactor();
    await this.securityEvents.record({ type: SecurityEventType.RECOVERY_CODE_USED, userId }, db);
    return remaining;
  }

  /** The wrong code that uses the last of the account's attempts locks its second factor and tells the owner. */
  private async endFailedAttempt(session: AuthenticatedSession, attempt: Attempt): Promise<void> {
    const { lockedNow, lockedForSeconds } = await attempt.end(false);
    if (!lockedNow) return;
    await this.securityEvents.record({ type: SecurityEventType.ACCOUNT_LOCKED, userId: session.userId });
    const until = addSeconds(this.clock.now(), lockedForSeconds);
    this.mail.sendNotice(session.user.email, MailKind.ACCOUNT_LOCKED, { until: until.toUTCString() });
    throw AppError.tooManyAttempts(
      lockedForSeconds,
      `Too many wrong codes: sign-in with a second factor is paused for this account for ${formatWait(lockedForSeconds)}. We sent you an email.`,
    );
  }

  private async countWrongLoginCode(session: AuthenticatedSession): Promise<AppError> {
    await this.securityEvents.record({ type: SecurityEventType.SECOND_FACTOR_FAILED, userId: session.userId });
    const left = await this.sessions.recordSecondFactorFailure(session.sessionId);
    if (left === 0) {
      return new AppError(ErrorCode.INVALID_CODE, 'That code is not right, and this sign-in has ended after 5 wrong codes. Sign in again with your password.', { attemptsRemaining: 0 });
    }
    return invalidCode({ attemptsRemaining: left });
  }

  private async noticeRecoveryCodeUse(user: { id: string; email: string }, remaining: number | null): Promise<void> {
    if (remaining === null) return;
    this.mail.sendNotice(user.email, MailKind.RECOVERY_CODE_USED, { remaining, low: remaining <= LOW_RECOVERY_CODES });
    await this.lowCodesWarning.afterUse(user, remaining);
  }

  private requireTwoFactorOn(session: AuthenticatedSession): void {
    if (!session.user.twoFactorEnabledAt) throw new AppError(ErrorCode.FAILED_PRECONDITION, '2-step verification is not on.');
  }
}

function exactlyOneFactor(code: string | null | undefined, recoveryCode: string | null | undefined): Exclude<SecondFactor, { kind: 'passkey' }> {
  const hasCode = typeof code === 'string' && code.length > 0;
  const hasRecoveryCode = typeof recoveryCode === 'string' && recoveryCode.length > 0;
  if (hasCode === hasRecoveryCode) {
    const message = 'give exactly one of code and recoveryCode';
    throw AppError.badInput([{ field: 'code', message }, { field: 'recoveryCode', message }]);
  }
  return hasCode ? { kind: 'totp', code: code! } : { kind: 'recovery', code: recoveryCode! };
}

/** At login a passkey answer is a third way: exactly one of the three. */
function exactlyOneLoginFactor(input: VerifyLoginSecondFactorInput): Exclude<SecondFactor, { kind: 'passkey' }> | { passkeyResponse: string } {
  const { code, recoveryCode, passkeyResponse } = input;
  if (typeof passkeyResponse !== 'string' || passkeyResponse.length === 0) return exactlyOneFactor(code, recoveryCode);
  if (code || recoveryCode) {
    const message = 'give exactly one of code, recoveryCode and passkeyResponse';
    throw AppError.badInput([{ field: 'code', message }, { field: 'recoveryCode', message }, { field: 'passkeyResponse', message }]);
  }
  return { passkeyResponse };
}

function invalidCode(extras: Record<string, unknown> = {}): AppError {
  return new AppError(ErrorCode.INVALID_CODE, 'That code is not right, or it was already used. Try the newest code from your app.', extras);
}

function passkeyAnswerAlreadyUsed(): AppError {
  return new AppError(ErrorCode.INVALID_CODE, 'This passkey answer was already used, or it answers an earlier request. Use your passkey again.');
}

function codeAlreadyUsed(): AppError {
  return new AppError(ErrorCode.INVALID_CODE, 'That code was already used. Wait for the next code in your app and enter it.');
}
