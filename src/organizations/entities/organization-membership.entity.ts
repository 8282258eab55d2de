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
}
