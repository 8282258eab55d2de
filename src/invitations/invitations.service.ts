import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { AppError, ErrorCode } from '../common/app-error';
import type { SessionUser } from '../common/authenticated-session';
import { Clock } from '../common/clock';
import { requireUuid } from '../common/ids';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import { MailKind } from '../mail/mail-templates';
import { MailService } from '../mail/mail.service';
import type { Organization } from '../organizations/models/organization.model';
import { MembershipsService, type OrganizationSummary } from '../organizations/memberships.service';
import { OrganizationsService } from '../organizations/organizations.service';
import type { OrganizationRole } from '../organizations/models/organization-role.model';
import { isManagerRole, mayMoveBetweenRoles } from '../organizations/utils/role-rules.util';
import { ThrottlingService } from '../throttling/throttling.service';
import { toUser, type User } from '../users/models/user.model';
import { UsersService } from '../users/users.service';
import type { InviteOrganizationMemberInput } from './dto/invitation.inputs';
import type { OrganizationInvitationEntity } from './entities/organization-invitation.entity';
import { InvitationsRepository } from './invitations.repository';
import { InvitationStatus, OrganizationInvitation } from './models/organization-invitation.model';
import { generateInvitationToken, hashInvitationToken, invitationLink, looksLikeInvitationToken } from './utils/invitation-token.util';

export const INVITATION_VALID_DAYS = 7;
/** An invitation stays listed (as ACCEPTED, REVOKED or EXPIRED) this long after it expires, then it is pruned. */
export const INVITATION_HISTORY_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_LISTED = 200;

const NO_SUCH_INVITATION =
  'No pending invitation for your account matches this link: it may have been used, revoked or replaced by a newer one, ' +
  'or it was sent to another email address. Sign in with the invited address, or ask the organization for a new invitation.';

/**
 * Invitations by email into an organization. The mailed token is the only way in: stored hashed,
 * single use, 7 days, and it works only for the account whose login email was invited.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly invitations: InvitationsRepository,
    private readonly transactions: Transactions,
    private readonly organizations: OrganizationsService,
    private readonly memberships: MembershipsService,
    private readonly users: UsersService,
    private readonly mail: MailService,
    private readonly securityEvents: SecurityEventsService,
    private readonly throttling: ThrottlingService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    memberships.onMembershipChange((db, change) => this.revokeWhatTheInviterCanNoLongerGrant(db, change));
  }

  /**
   * Mails an invitation. The answer, and the work done, are the same whether or not the address
   * has an account; only a current member of this organization is told apart (CONFLICT).
   */
  async invite(caller: SessionUser, input: InviteOrganizationMemberInput): Promise<OrganizationInvitation> {
    // Role first, then the limit: nobody outside the organization can spend its invitation budget.
    await this.memberships.managerRole(caller.id, input.organizationId);
    await this.throttling.countInvitation(input.organizationId.toLowerCase(), caller.id, input.email);
    // Looked up and counted before the transaction, which must not wait for a second pooled connection.
    const invitee = await this.users.findByEmail(input.email);
    const mail = await this.mail.reserve(input.email, 'invitation');
    const token = generateInvitationToken();
    const now = this.clock.now();
    const { invitation, organization } = await this.memberships.inManagedOrganization(caller.id, input.organizationId, async (db, callerRole, organization) => {
      if (!mayMoveBetweenRoles(callerRole, null, input.role)) throw AppError.forbidden('Only an owner can invite an OWNER.');
      if (invitee && (await this.memberships.isMember(organization.id, invitee.id, db))) {
        throw new AppError(ErrorCode.CONFLICT, 'This person is already a member of the organization.');
      }
      // Inviting a pending address again replaces its invitation: the older link stops working.
      await this.invitations.deletePendingTo(organization.id, input.email, db);
      const invitation = await this.invitations.insert(
        {
          organizationId: organization.id,
          email: input.email,
          role: input.role,
          status: 'PENDING',
          tokenHash: hashInvitationToken(token),
          invitedBy: caller.id,
          createdAt: now,
          expiresAt: new Date(now.getTime() + INVITATION_VALID_DAYS * DAY_MS),
          acceptedBy: null,
          closedAt: null,
        },
        db,
      );
      await this.securityEvents.record({ type: SecurityEventType.ORGANIZATION_INVITATION_SENT, userId: caller.id, organizationId: organization.id }, db);
      // Inside the transaction: if the mail cannot be handed over, no invitation is saved.
      await mail.send(
        MailKind.ORGANIZATION_INVITATION,
        {
          inviter: caller.name ?? caller.email,
          organization: organization.name,
          role: input.role,
          link: invitationLink(this.config.publicUrl, token),
          expires: invitation.expiresAt.toUTCString(),
          requiresTwoFactor: organization.requireTwoFactor,
          graceHours: organization.twoFactorGracePeriodHours,
        },
        invitee?.language,
      );
      return { invitation, organization };
    }).catch(async (error: unknown) => {
      await mail.cancel();
      throw error;
    });
    return toInvitation(invitation, organization, toUser(caller), now);
  }

  /** OWNER and ADMIN: pending invitations and those that ended within INVITATION_HISTORY_DAYS, newest first. */
  async listForOrganization(callerId: string, organizationId: string): Promise<OrganizationInvitation[]> {
    await this.memberships.managerRole(callerId, organizationId);
    const rows = await this.invitations.newestOf(organizationId.toLowerCase(), MAX_LISTED);
    return this.describe(rows);
  }

  /**
   * Pending, unexpired invitations addressed to the caller's login email, once the account has
   * shown it reads that email: sign-up proves nothing, and whoever signs up first with an invited
   * address must not read its invitations. Until then the mailed link (its token) is the way in.
   */
  async listMine(caller: SessionUser): Promise<OrganizationInvitation[]> {
    if (!(await this.users.isEmailConfirmed(caller.id))) return [];
    const rows = await this.invitations.pendingTo(caller.email, this.clock.now(), MAX_LISTED);
    return this.describe(rows);
  }

  /** The caller's own pending invitation behind a mailed token, or null (never another address's). */
  async findForToken(caller: SessionUser, token: string): Promise<OrganizationInvitation | null> {
    if (!looksLikeInvitationToken(token)) return null;
    const row = await this.invitations.findPending(hashInvitationToken(token), caller.email, this.clock.now());
    return row ? ((await this.describe([row]))[0] ?? null) : null;
  }

  async revoke(callerId: string, rawId: string): Promise<void> {
    const id = requireUuid(rawId, 'The invitation');
    const found = await this.invitations.findById(id);
    // Another organization's invitation looks exactly like one that does not exist.
    if (!found || !(await this.memberships.isMember(found.organizationId, callerId))) throw AppError.notFound('The invitation');
    await this.memberships.inManagedOrganization(callerId, found.organizationId, async (db, callerRole) => {
      if (!mayMoveBetweenRoles(callerRole, null, found.role)) throw AppError.forbidden('Only an owner can revoke an invitation to OWNER.');
      // Conditional: an invitation accepted a moment ago stays accepted.
      if (!(await this.invitations.revokeIfPending(id, this.clock.now(), db))) {
        throw new AppError(ErrorCode.FAILED_PRECONDITION, 'This invitation was already accepted, revoked or replaced; remove the member instead if they joined.');
      }
      await this.securityEvents.record({ type: SecurityEventType.ORGANIZATION_INVITATION_REVOKED, userId: callerId, organizationId: found.organizationId }, db);
    });
  }

  /**
   * The caller joins with the invited role. The invitation is spent by one conditional UPDATE
   * (pending, unexpired, addressed to the caller's login email) in the transaction that adds the
   * membership: of concurrent accepts of one token exactly one passes, on any instance.
   */
  async accept(caller: SessionUser, token: string): Promise<Organization> {
    const tokenHash = this.hashOf(token);
    const now = this.clock.now();
    const organizationId = await this.transactions.run(async (db) => {
      const accepted = await this.invitations.acceptIfUsable(tokenHash, caller.email, caller.id, now, db);
      if (!accepted) throw await this.whyNotUsable(tokenHash, caller, now);
      const { organizationId: joined, role, invitedBy: inviter } = accepted;
      // The inviter must still be able to grant the role: an admin removed since cannot come back through it.
      const inviterRole = inviter && (await this.memberships.roleIn(db, joined, inviter));
      if (!inviterRole || !isManagerRole(inviterRole) || !mayMoveBetweenRoles(inviterRole, null, role)) {
        throw new AppError(ErrorCode.NOT_FOUND, NO_SUCH_INVITATION);
      }
      await this.memberships.join(db, joined, caller.id, role);
      // The token came in a mail to this address.
      await this.users.confirmEmail(caller.id, db);
      await this.securityEvents.record({ type: SecurityEventType.ORGANIZATION_INVITATION_ACCEPTED, userId: caller.id, organizationId: joined }, db);
      return joined;
    });
    return this.organizations.findForMember(caller.id, organizationId);
  }

  /** The invitee says no: the invitation is deleted, so its link stops working and it leaves the lists. */
  async decline(caller: SessionUser, token: string): Promise<void> {
    const tokenHash = this.hashOf(token);
    if (!(await this.invitations.deletePending(tokenHash, caller.email))) throw new AppError(ErrorCode.NOT_FOUND, NO_SUCH_INVITATION);
  }

  /**
   * A member who left or lost a role loses what they sent with it: their pending invitations to a
   * role they can no longer grant are revoked, in the transaction that changed the membership.
   */
  private async revokeWhatTheInviterCanNoLongerGrant(
    db: EntityManager,
    { organizationId, userId, newRole }: { organizationId: string; userId: string; newRole: OrganizationRole | null },
  ): Promise<void> {
    const pending = await this.invitations.pendingSentBy(organizationId, userId, db);
    const ungrantable = pending.filter((invitation) => !newRole || !isManagerRole(newRole) || !mayMoveBetweenRoles(newRole, null, invitation.role));
    if (ungrantable.length === 0) return;
    await this.invitations.revokeAllIfPending(ungrantable.map((invitation) => invitation.id), this.clock.now(), db);
  }

  /**
   * Deletes up to `batchSize` invitations that expired more than INVITATION_HISTORY_DAYS ago (pending
   * or not); returns how many. For the periodic data-lifecycle job.
   */
  async pruneExpired(now: Date, batchSize: number): Promise<number> {
    const cutoff = new Date(now.getTime() - INVITATION_HISTORY_DAYS * DAY_MS);
    return this.invitations.deleteExpiredBefore(cutoff, batchSize);
  }

  private hashOf(token: string): Buffer {
    if (!looksLikeInvitationToken(token)) throw new AppError(ErrorCode.NOT_FOUND, NO_SUCH_INVITATION);
    return hashInvitationToken(token);
  }

  /** Only the invitee learns that their own invitation expired; anything else is the same NOT_FOUND. */
  private async whyNotUsable(tokenHash: Buffer, caller: SessionUser, now: Date): Promise<AppError> {
    const invitation = await this.invitations.findPending(tokenHash, caller.email);
    if (invitation && invitation.expiresAt.getTime() <= now.getTime()) {
      return new AppError(ErrorCode.CODE_EXPIRED, 'This invitation has expired. Ask the organization to invite you again.');
    }
    return new AppError(ErrorCode.NOT_FOUND, NO_SUCH_INVITATION);
  }

  private async describe(rows: OrganizationInvitationEntity[]): Promise<OrganizationInvitation[]> {
    const [organizations, inviters] = await Promise.all([
      this.memberships.summaries(rows.map((row) => row.organizationId)),
      this.users.findByIds([...new Set(rows.flatMap((row) => (row.invitedBy ? [row.invitedBy] : [])))]),
    ]);
    const inviterById = new Map(inviters.map((user) => [user.id, toUser(user)]));
    const now = this.clock.now();
    return rows.flatMap((row) => {
      const organization = organizations.get(row.organizationId);
      if (!organization) return [];
      return [toInvitation(row, organization, (row.invitedBy && inviterById.get(row.invitedBy)) || null, now)];
    });
  }
}

function toInvitation(row: OrganizationInvitationEntity, organization: OrganizationSummary, invitedBy: User | null, now: Date): OrganizationInvitation {
  const expired = row.status === 'PENDING' && row.expiresAt.getTime() <= now.getTime();
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    status: expired ? InvitationStatus.EXPIRED : InvitationStatus[row.status],
    organizationId: row.organizationId,
    organizationName: organization.name,
    invitedBy,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    requiresTwoFactor: organization.requireTwoFactor,
  };
}
