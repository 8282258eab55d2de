import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { SecurityEventType } from '../../audit/models/security-event.model';
import { OrganizationEntity } from '../../organizations/entities/organization.entity';
import { UserEntity } from '../../users/entities/user.entity';

/** Where an organization wants its security events sent, and the key that signs them. */
@Entity({ name: 'organization_webhooks' })
export class OrganizationWebhookEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('organization_webhooks_organization_id_idx')
  @ForeignKey(() => OrganizationEntity, { name: 'organization_webhooks_organization_id_fkey', onDelete: 'CASCADE' })
  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  /** Empty: every event. */
  @Column({ name: 'event_types', type: 'text', array: true, default: [] })
  eventTypes: SecurityEventType[];

  /** The whsec_ secret, AES-256-GCM under ENCRYPTION_KEY, bound to the webhook id. */
  @Column({ name: 'secret_encrypted', type: 'text' })
  secretEncrypted: string;

  @ForeignKey(() => UserEntity, { name: 'organization_webhooks_created_by_fkey', onDelete: 'SET NULL' })
  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
