import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type SecurityEventListener, SecurityEventsService } from '../audit/security-events.service';
import type { Part, Statement } from '../database/statement';
import { MembershipsService } from '../organizations/memberships.service';
import { outboxInsertSql } from './webhook-deliveries.repository';

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

  /** The statement is the deliveries table's (outboxInsertSql); the memberships' part is the organizations module's. */
  sql(_statement: Statement, recorded: Part): string {
    return outboxInsertSql(recorded.name, (userIdSql) => this.memberships.memberOrganizationsSql(userIdSql));
  }
}
