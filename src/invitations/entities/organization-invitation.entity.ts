import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationRole } from '../../organizations/models/organization-role.model';

/** What is stored; EXPIRED is not stored but read from `expiresAt` (a PENDING row past it). */
export type StoredInvitationStatus = 'PENDING' | 'ACCEPTED' | 'REVOKED';

@Entity({ name: 'organization_invitations' })
export class OrganizationInvitationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  /** Normalised like login emails, so the invitee's login email matches it exactly. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 16 })
  role: OrganizationRole;

  @Column({ type: 'varchar', length: 16 })
  status: StoredInvitationStatus;

  /** SHA-256 of the mailed token; the token itself is never stored. */
  @Column({ name: 'token_hash', type: 'bytea', select: false })
  tokenHash: Buffer;

  @Column({ name: 'invited_by', type: 'uuid', nullable: true })
  invitedBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'accepted_by', type: 'uuid', nullable: true })
  acceptedBy: string | null;

  /** When it was accepted or revoked. */
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;
}
