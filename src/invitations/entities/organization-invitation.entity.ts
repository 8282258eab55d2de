import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from '../../organizations/entities/organization.entity';
import { OrganizationRole } from '../../organizations/models/organization-role.model';
import { UserEntity } from '../../users/entities/user.entity';

/** What is stored; EXPIRED is not stored but read from `expiresAt` (a PENDING row past it). */
export type StoredInvitationStatus = 'PENDING' | 'ACCEPTED' | 'REVOKED';

@Entity({ name: 'organization_invitations' })
@Check('organization_invitations_role_check', "role IN ('OWNER', 'ADMIN', 'MEMBER')")
@Check('organization_invitations_status_check', "status IN ('PENDING', 'ACCEPTED', 'REVOKED')")
// One pending invitation per address and organization: inviting again replaces it.
@Index('organization_invitations_pending_idx', ['organizationId', 'email'], { unique: true, where: "status = 'PENDING'" })
export class OrganizationInvitationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ForeignKey(() => OrganizationEntity, { name: 'organization_invitations_organization_id_fkey', onDelete: 'CASCADE' })
  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  /** Normalised like login emails, so the invitee's login email matches it exactly. */
  @Index('organization_invitations_email_idx')
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 16 })
  role: OrganizationRole;

  @Column({ type: 'varchar', length: 16 })
  status: StoredInvitationStatus;

  /** SHA-256 of the mailed token; the token itself is never stored. */
  @Column({ name: 'token_hash', type: 'bytea', unique: true, select: false })
  tokenHash: Buffer;

  @ForeignKey(() => UserEntity, { name: 'organization_invitations_invited_by_fkey', onDelete: 'SET NULL' })
  @Column({ name: 'invited_by', type: 'uuid', nullable: true })
  invitedBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Index('organization_invitations_expires_at_idx')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @ForeignKey(() => UserEntity, { name: 'organization_invitations_accepted_by_fkey', onDelete: 'SET NULL' })
  @Column({ name: 'accepted_by', type: 'uuid', nullable: true })
  acceptedBy: string | null;

  /** When it was accepted or revoked. */
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;
}
