import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { currentRequestContext } from '../common/request-context';
import type { StatementPiece } from '../database/statement';
import type { SecurityEventEntity } from './entities/security-event.entity';
import { SecurityEvent, SecurityEventType } from './models/security-event.model';
import { insertSecurityEvents, type NewSecurityEvents, type SecurityEventListener, SecurityEventsRepository } from './security-events.repository';

export { RECORDED_EVENTS, type SecurityEventListener } from './security-events.repository';

export interface SecurityEventInput {
  type: SecurityEventType;
  userId?: string | null;
  /** Set when someone else than `userId` made the change. */
  actorUserId?: string | null;
  organizationId?: string | null;
}

export const DEFAULT_EVENT_PAGE = 50;
export const MAX_EVENT_PAGE = 200;

function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_EVENT_PAGE;
  if (first < 1 || first > MAX_EVENT_PAGE) {
    throw AppError.badInput([{ field: 'first', message: `must be between 1 and ${MAX_EVENT_PAGE}` }]);
  }
  return first;
}

@Injectable()
export class SecurityEventsService {
  private readonly listeners: SecurityEventListener[] = [];

  constructor(
    private readonly events: SecurityEventsRepository,
    private readonly clock: Clock,
  ) {}

  addListener(listener: SecurityEventListener): void {
    this.listeners.push(listener);
  }

  /** Records an event with the client of the current request; inside a transaction when given its manager. */
  async record(input: SecurityEventInput, db?: EntityManager): Promise<void> {
    await this.events.insert(
      this.withClient([input.type], input.userId ?? null, { actorUserId: input.actorUserId ?? null, organizationId: input.organizationId ?? null }),
      this.listeners,
      db,
    );
  }

  /** The same record as a piece of a larger statement: events of `types`, in that order, for `userId`, written only when its gate holds. */
  insertPiece(types: SecurityEventType[], userId: string): StatementPiece {
    return insertSecurityEvents(this.withClient(types, userId), this.listeners);
  }

  private withClient(types: SecurityEventType[], userId: string | null, by: { actorUserId: string | null; organizationId: string | null } = { actorUserId: null, organizationId: null }): NewSecurityEvents {
    const request = currentRequestContext();
    return { types, userId, ...by, ipAddress: request?.ipAddress ?? null, userAgent: request?.userAgent ?? null, occurredAt: this.clock.now() };
  }

  findByIds(ids: readonly string[]): Promise<SecurityEventEntity[]> {
    return this.events.findByIds(ids);
  }

  /** The organization's events oldest first, after the event `afterId` (for an export read page by page). */
  pageForOrganization(organizationId: string, afterId: string | null, limit: number): Promise<SecurityEventEntity[]> {
    return this.events.pageForOrganization(organizationId, afterId, limit);
  }

  /**
   * When each user's password was last accepted at login (LOGIN_SUCCEEDED), as far back as events
   * are kept; users without one are absent.
   */
  lastSignInByUser(userIds: readonly string[]): Promise<Map<string, Date>> {
    return this.events.lastOfTypeByUser(userIds, SecurityEventType.LOGIN_SUCCEEDED);
  }

  listForUser(userId: string, first?: number | null): Promise<SecurityEvent[]> {
    return this.newest({ userId }, first);
  }

  listForOrganization(organizationId: string, first?: number | null): Promise<SecurityEvent[]> {
    return this.newest({ organizationId }, first);
  }

  private newest(where: { userId: string } | { organizationId: string }, first?: number | null) {
    return this.events.newest(where, pageSize(first));
  }
}
