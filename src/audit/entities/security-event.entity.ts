import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { SecurityEventType } from '../models/security-event.model';

@Entity({ name: 'security_events' })
@Index(['userId', 'id'])
@Index(['organizationId', 'id'])
export class SecurityEventEntity {
  /** Grows with every event, so "newest first" is a stable order even when times are equal. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  type: SecurityEventType;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  /** Who did it, when someone else than the user did (an admin changing a member). */
  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Column({ name: 'organization_id', type: 'uuid', nullable: true })
  organizationId: string | null;

  @Column({ name: 'ip_address', type: 'varchar', length: 64, nullable: true })
  ipAddress: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;
}
