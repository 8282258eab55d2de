import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { SecurityEventEntity } from '../../audit/entities/security-event.entity';
import { SecurityEventType } from '../../audit/models/security-event.model';
import { WebhookDeliveryStatus } from '../models/webhook.model';
import { OrganizationWebhookEntity } from './organization-webhook.entity';

/**
 * One event for one webhook: the outbox row, written in the event's statement, and its log (tries,
 * last answer). The `webhook-id` header is derived from the id, so every retry carries the same one.
 */
@Entity({ name: 'webhook_deliveries' })
@Check('webhook_deliveries_status_check', "status IN ('PENDING', 'DELIVERED', 'FAILED')")
@Index('webhook_deliveries_webhook_event_idx', ['webhookId', 'eventId'])
@Index('webhook_deliveries_due_idx', ['nextAttemptAt'], { where: "status = 'PENDING'" })
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ForeignKey(() => OrganizationWebhookEntity, { name: 'webhook_deliveries_webhook_id_fkey', onDelete: 'CASCADE' })
  @Column({ name: 'webhook_id', type: 'uuid' })
  webhookId: string;

  /** Deleted with its event (SECURITY_EVENT_RETENTION_DAYS). */
  @Index('webhook_deliveries_event_id_idx')
  @ForeignKey(() => SecurityEventEntity, { name: 'webhook_deliveries_event_id_fkey', onDelete: 'CASCADE' })
  @Column({ name: 'event_id', type: 'bigint' })
  eventId: string;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  eventType: SecurityEventType;

  @Column({ type: 'varchar', length: 16 })
  status: WebhookDeliveryStatus;

  @Column({ type: 'int' })
  attempts: number;

  /** When the next try is due; also set while a try is in flight, so a crashed sender's try is retried. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null;

  @Column({ name: 'last_response_status', type: 'int', nullable: true })
  lastResponseStatus: number | null;

  /** The start of the answer's body, or why there was none; never more. */
  @Column({ name: 'last_response_excerpt', type: 'varchar', length: 256, nullable: true })
  lastResponseExcerpt: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
