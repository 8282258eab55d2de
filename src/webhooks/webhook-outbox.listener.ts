import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type SecurityEventListener, SecurityEventsService } from '../audit/security-events.service';
import type { Part, Statement } from '../database/statement';
import { MembershipsService } from '../organizations/memberships.service';

/**
 * The outbox: for every security event, one PENDING delivery per webhook that wants it, written by
 * the statement that inserts the event, so an event is never stored without its deliveries (a
 * crash before sending loses nothing; the sender finds them later).
 *
 * Which webhooks want an event: an event of an organization (organization_id set) goes to that
 * organization's webhooks only, never to other organizations its user belongs to; an event of an
 * account (sign-ins, 2FA, passwords: no organization) goes to the webhooks of every organization
 * the user is a member of when it happens. Each webhook then keeps the types it asked for.
 */
@Injectable()
export class WebhookOutboxListener implements OnModuleInit, SecurityEventListener {
  readonly part = 'webhook_outbox';

  constructor(
    private readonly securityEvents: SecurityEventsService,
    private readonly memberships: MembershipsService,
  ) {}

  onModuleInit(): void {
    this.securityEvents.addListener(this);
  }

  sql(_statement: Statement, recorded: Part): string {
    return `INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, status, attempts, next_attempt_at, created_at)
      SELECT w.id, e.id, e.type, 'PENDING', 0, e.occurred_at, e.occurred_at
        FROM ${recorded.name} e
        JOIN organization_webhooks w
          ON w.organization_id = e.organization_id
          OR (e.organization_id IS NULL AND w.organization_id IN (${this.memberships.memberOrganizationsSql('e.user_id')}))
       WHERE cardinality(w.event_types) = 0 OR e.type = ANY (w.event_types)`;
  }
}
