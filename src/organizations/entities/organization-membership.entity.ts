import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';
import { OrganizationRole } from '../models/organization-role.model';
import { OrganizationEntity } from './organization.entity';

@Entity({ name: 'organization_memberships' })
@Check('organization_memberships_role_check', "role IN ('OWNER', 'ADMIN', 'MEMBER')")
export class OrganizationMembershipEntity {
  @ForeignKey(() => OrganizationEntity, { name: 'organization_memberships_organization_id_fkey', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Index('organization_memberships_user_id_idx')
  @ForeignKey(() => UserEntity, { name: 'organization_memberships_user_id_fkey', onDelete: 'CASCADE' })
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
