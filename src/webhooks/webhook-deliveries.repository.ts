import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { WebhookDeliveryEntity } from './entities/webhook-delivery.entity';

/** A try claimed for sending, with what sending needs of its webhook. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  /** The tries counted so far, this one included. */
  attempts: number;
  url: string;
  secretEncrypted: string;
}

/** How tries are claimed: the retry waits in seconds (the wait after try n is waitsSeconds[n - 1]), and the last try's lease. */
export interface ClaimSchedule {
  waitsSeconds: readonly number[];
  lastTryLeaseSeconds: number;
  maxAttempts: number;
}

/**
 * The outbox statement, for the rule WebhookOutboxListener states (it hands the statement to audit,
 * which runs it in the statement that inserts the events): one PENDING delivery per webhook that
 * wants each event of the CTE `events`. `memberOrganizationsOf` gives the organizations of a user,
 * as a subquery over the SQL expression of their id.
 */
export function outboxInsertSql(events: string, memberOrganizationsOf: (userIdSql: string) => string): string {
  return `INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, status, attempts, next_attempt_at, created_at)
      SELECT w.id, e.id, e.type, 'PENDING', 0, e.occurred_at, e.occurred_at
        FROM ${events} e
        JOIN organization_webhooks w
          ON w.organization_id = e.organization_id
          OR (e.organization_id IS NULL AND w.organization_id IN (${memberOrganizationsOf('e.user_id')}))
       WHERE cardinality(w.event_types) = 0 OR e.type = ANY (w.event_types)`;
}

/** The webhook_deliveries table's statements, besides the outbox insert above. */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(@InjectRepository(WebhookDeliveryEntity) private readonly deliveries: Repository<WebhookDeliveryEntity>) {}

  /** Through the partial index on PENDING rows. */
  async countPending(): Promise<number> {
    const [{ pending }] = (await this.deliveries.query(`SELECT count(*)::int AS pending FROM webhook_deliveries WHERE status = 'PENDING'`)) as Array<{ pending: number }>;
    return pending;
  }

  /** The webhook's latest deliveries, newest event first. */
  latestOf(webhookId: string, limit: number): Promise<WebhookDeliveryEntity[]> {
    return this.deliveries.find({ where: { webhookId }, order: { eventId: 'DESC' }, take: limit });
  }

  /**
   * Claims up to `limit` tries due at `now`: the rows are taken FOR UPDATE SKIP LOCKED, so of
   * concurrent claims (any instance) each row goes to one; the try is counted and the next one
   * scheduled (the last try's by its lease) in the same statement, before anything is sent.
   */
  async claimDue(now: Date, schedule: ClaimSchedule, limit: number): Promise<ClaimedDelivery[]> {
    const [rows] = (await this.deliveries.query(
      `UPDATE webhook_deliveries d
          SET attempts = d.attempts + 1,
              last_attempt_at = $1,
              next_attempt_at = $1 + make_interval(secs => coalesce(($2::int[])[d.attempts + 1], $3))
         FROM organization_webhooks w
        WHERE w.id = d.webhook_id
          AND d.id IN (SELECT id FROM webhook_deliveries
                        WHERE status = 'PENDING' AND next_attempt_at <= $1 AND attempts < $4
                        ORDER BY next_attempt_at LIMIT $5
                        FOR UPDATE SKIP LOCKED)
      RETURNING d.id, d.webhook_id, d.event_id, d.attempts, w.url, w.secret_encrypted`,
      [now, schedule.waitsSeconds, schedule.lastTryLeaseSeconds, schedule.maxAttempts, limit],
    )) as [Array<{ id: string; webhook_id: string; event_id: string; attempts: number; url: string; secret_encrypted: string }>, number];
    return rows.map((row) => ({
      id: row.id,
      webhookId: row.webhook_id,
      eventId: row.event_id,
      attempts: row.attempts,
      url: row.url,
      secretEncrypted: row.secret_encrypted,
    }));
  }

  /** Marks FAILED the pending deliveries that used their last try and whose lease ended by `now`; returns how many. */
  async failAbandonedLastTries(now: Date, maxAttempts: number): Promise<number> {
    const [, abandoned] = (await this.deliveries.query(
      `UPDATE webhook_deliveries SET status = 'FAILED', next_attempt_at = NULL
        WHERE status = 'PENDING' AND attempts >= $2 AND next_attempt_at <= $1`,
      [now, maxAttempts],
    )) as [unknown[], number];
    return abandoned;
  }

  /**
   * Writes what a try got, only while the delivery is PENDING and still at that try (a slow answer
   * never overwrites a later try's outcome). With a final status the delivery ends (no next try);
   * without one it keeps the retry its claim scheduled.
   */
  async recordOutcome(
    id: string,
    attempt: number,
    answer: { status: number | null; excerpt: string | null },
    finalStatus: 'DELIVERED' | 'FAILED' | null,
  ): Promise<void> {
    await this.deliveries.query(
      `UPDATE webhook_deliveries
          SET last_response_status = $3, last_response_excerpt = $4,
              status = coalesce($5, status),
              next_attempt_at = CASE WHEN $5::varchar IS NULL THEN next_attempt_at END
        WHERE id = $1 AND attempts = $2 AND status = 'PENDING'`,
      [id, attempt, answer.status, answer.excerpt, finalStatus],
    );
  }
}
