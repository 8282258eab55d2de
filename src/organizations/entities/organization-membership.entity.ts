import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { OrganizationRole } from '../models/organization-role.model';

@Entity({ name: 'organization_memberships' })
export class OrganizationMembershipEntity {
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Index()
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar', length: 16 })
  role: OrganizationRole;

  @Column({ name: 'joined_at', type: 'timestamptz' })
  joinedAt: Date;

  /** The requirement start the 2FA reminder was mailed for, so each requirement reminds once. */
  @Column({ name: 'two_factor_reminder_for', type: 'timestamptz', nullable: true })
  twoFactorReminderFor: Date | null;
}
