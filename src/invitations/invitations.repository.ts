import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, MoreThan, type Repository } from 'typeorm';
import { deleteBatchBelow } from '../maintenance/expired-data-pruner';
import type { OrganizationRole } from '../organizations/models/organization-role.model';
import { OrganizationInvitationEntity } from './entities/organization-invitation.entity';

/** What accepting spent: where the invitation leads, with which role, from whom. */
export interface AcceptedInvitation {
  organizationId: string;
  role: OrganizationRole;
  invitedBy: string | null;
}

/** The organization_invitations table's statements. Tokens arrive hashed: the token itself is never stored. */
@Injectable()
export class InvitationsRepository {
  constructor(@InjectRepository(OrganizationInvitationEntity) private readonly invitations: Repository<OrganizationInvitationEntity>) {}

  async insert(values: Omit<OrganizationInvitationEntity, 'id'>, db: EntityManager = this.invitations.manager): Promise<OrganizationInvitationEntity> {
    const invitation = db.create(OrganizationInvitationEntity, values);
    await db.insert(OrganizationInvitationEntity, invitation);
    return invitation;
  }

  /** Deletes the address's pending invitation into the organization, if any (one at most, by the unique index). */
  async deletePendingTo(organizationId: string, email: string, db: EntityManager = this.invitations.manager): Promise<void> {
    await db.delete(OrganizationInvitationEntity, { organizationId, email, status: 'PENDING' });
  }

  findById(id: string): Promise<OrganizationInvitationEntity | null> {
    return this.invitations.findOneBy({ id });
  }

  /** The organization's invitations, newest first, whatever their status. */
  newestOf(organizationId: string, limit: number): Promise<OrganizationInvitationEntity[]> {
    return this.invitations.find({ where: { organizationId }, order: { createdAt: 'DESC', id: 'ASC' }, take: limit });
  }

  /** Pending invitations to the address that have not expired at `now`, newest first. */
  pendingTo(email: string, now: Date, limit: number): Promise<OrganizationInvitationEntity[]> {
    return this.invitations.find({
      where: { email, status: 'PENDING', expiresAt: MoreThan(now) },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
    });
  }

  /** The pending invitation to the address behind the token; with `now`, only if it has not expired then. */
  findPending(tokenHash: Buffer, email: string, now?: Date): Promise<OrganizationInvitationEntity | null> {
    return this.invitations.findOneBy({ tokenHash, email, status: 'PENDING', ...(now ? { expiresAt: MoreThan(now) } : {}) });
  }

  /** Conditional: revokes the invitation only while it is pending; false when it was not. */
  async revokeIfPending(id: string, at: Date, db: EntityManager = this.invitations.manager): Promise<boolean> {
    const revoked = await db.update(OrganizationInvitationEntity, { id, status: 'PENDING' }, { status: 'REVOKED', closedAt: at });
    return Boolean(revoked.affected);
  }

  /** Conditional, as revokeIfPending: the ones accepted or revoked meanwhile stay as they are. */
  async revokeAllIfPending(ids: readonly string[], at: Date, db: EntityManager = this.invitations.manager): Promise<void> {
    await db.update(OrganizationInvitationEntity, { id: In([...ids]), status: 'PENDING' }, { status: 'REVOKED', closedAt: at });
  }

  /** The pending invitations the user sent into the organization: their ids and roles. */
  pendingSentBy(organizationId: string, userId: string, db: EntityManager = this.invitations.manager): Promise<Array<Pick<OrganizationInvitationEntity, 'id' | 'role'>>> {
    return db.find(OrganizationInvitationEntity, { where: { organizationId, invitedBy: userId, status: 'PENDING' }, select: { id: true, role: true } });
  }

  /**
   * Spends the invitation behind the token, only if it is pending, addressed to `email` and
   * unexpired at `now`: one conditional UPDATE, so of concurrent accepts exactly one gets it. Null
   * when nothing was spent.
   */
  async acceptIfUsable(tokenHash: Buffer, email: string, userId: string, now: Date, db: EntityManager = this.invitations.manager): Promise<AcceptedInvitation | null> {
    const [rows] = (await db.query(
      `UPDATE organization_invitations
          SET status = 'ACCEPTED', accepted_by = $3, closed_at = $4
        WHERE token_hash = $1 AND status = 'PENDING' AND email = $2 AND expires_at > $4
        RETURNING organization_id, role, invited_by`,
      [tokenHash, email, userId, now],
    )) as [Array<{ organization_id: string; role: OrganizationRole; invited_by: string | null }>, number];
    const row = rows[0];
    return row ? { organizationId: row.organization_id, role: row.role, invitedBy: row.invited_by } : null;
  }

  /** Deletes the pending invitation to the address behind the token; false when there was none. */
  async deletePending(tokenHash: Buffer, email: string): Promise<boolean> {
    const deleted = await this.invitations.delete({ tokenHash, status: 'PENDING', email });
    return Boolean(deleted.affected);
  }

  /** Deletes up to `batchSize` invitations that expired before `cutoff`, pending or not; returns how many. */
  deleteExpiredBefore(cutoff: Date, batchSize: number): Promise<number> {
    return deleteBatchBelow(this.invitations.manager, 'organization_invitations', 'expires_at', cutoff, batchSize);
  }
}
