import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';
import { SecurityEventType } from '../models/security-event.model';

@Entity({ name: 'security_events' })
// Both on (…, id DESC) in the migration: a direction TypeORM's @Index cannot say, nor compares.
@Index('security_events_user_idx', ['userId', 'id'])
@Index('security_events_organization_idx', ['organizationId', 'id'])
export class SecurityEventEntity {
  /** Grows with every event, so "newest first" is a stable order even when times are equal. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  type: SecurityEventType;

  @ForeignKey(() => UserEntity, { name: 'security_events_user_id_fkey', onDelete: 'SET NULL' })
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  /** Who did it, when someone else than the user did (an admin changing a member). */
  @ForeignKey(() => UserEntity, { name: 'security_events_actor_user_id_fkey', onDelete: 'SET NULL' })
  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Column({ name: 'organization_id', type: 'uuid', nullable: true })
  organizationId: string | null;

  @Column({ name: 'ip_address', type: 'varchar', length: 64, nullable: true })
  ipAddress: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Index('security_events_occurred_at_idx')
  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;
}
