import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, MoreThan, Repository } from 'typeorm';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { currentRequestContext } from '../common/request-context';
import { StatementParams } from '../common/statement-params';
import { SecurityEventEntity } from './entities/security-event.entity';
import { SecurityEvent, SecurityEventType } from './models/security-event.model';

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

/** Name of the CTE that holds the events a statement just inserted: id, type, user_id, organization_id, occurred_at. */
export const RECORDED_EVENTS = 'recorded_events';

/**
 * A write another module makes for every new event, in the same statement that inserts it, so the
 * two commit together or not at all (the webhooks' outbox). The module registers it with
 * `addListener`; audit knows nothing of it. `sql` is a data-modifying statement that reads the
 * CTE RECORDED_EVENTS and adds its values to `params`.
 */
export interface SecurityEventListener {
  /** A CTE name of its own, e.g. `webhook_outbox`. */
  readonly cte: string;
  sql(params: StatementParams): string;
}

@Injectable()
export class SecurityEventsService {
  private readonly listeners: SecurityEventListener[] = [];

  constructor(
    @InjectRepository(SecurityEventEntity) private readonly events: Repository<SecurityEventEntity>,
    private readonly clock: Clock,
  ) {}

  addListener(listener: SecurityEventListener): void {
    this.listeners.push(listener);
  }

  /** Records an event with the client of the current request; inside a transaction when given its manager. */
  async record(input: SecurityEventInput, db: EntityManager = this.events.manager): Promise<void> {
    const request = currentRequestContext();
    const params = new StatementParams();
    const values = [input.type, input.userId ?? null, input.actorUserId ?? null, input.organizationId ?? null, request?.ipAddress ?? null, request?.userAgent ?? null, this.clock.now()];
    const insert = `INSERT INTO security_events (type, user_id, actor_user_id, organization_id, ip_address, user_agent, occurred_at)
      VALUES (${values.map((value) => params.add(value)).join(', ')})`;
    await db.query(`WITH ${this.recordedCtes(params, insert)} SELECT 1`, params.values);
  }

  /**
   * The same record as CTEs to put in a larger statement (`WITH …, <these> SELECT …`): events of
   * `types`, in that order, for `userId` with the client of the current request, inserted only
   * when `when` (SQL) holds.
   */
  insertCtes(params: StatementParams, types: SecurityEventType[], userId: string, when: string): string {
    const request = currentRequestContext();
    const insert = `INSERT INTO security_events (type, user_id, ip_address, user_agent, occurred_at)
      SELECT e.type, ${params.add(userId)}::uuid, ${params.add(request?.ipAddress ?? null)}, ${params.add(request?.userAgent ?? null)}, ${params.add(this.clock.now())}
        FROM unnest(${params.add(types)}::varchar[]) WITH ORDINALITY AS e(type, n)
       WHERE ${when} ORDER BY e.n`;
    return this.recordedCtes(params, insert);
  }

  private recordedCtes(params: StatementParams, insert: string): string {
    const recorded = `${RECORDED_EVENTS} AS (${insert} RETURNING id, type, user_id, organization_id, occurred_at)`;
    return [recorded, ...this.listeners.map((listener) => `${listener.cte} AS (${listener.sql(params)})`)].join(',\n');
  }

  findByIds(ids: readonly string[]): Promise<SecurityEventEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.events.findBy({ id: In([...ids]) });
  }

  /** The organization's events oldest first, after the event `afterId` (for an export read page by page). */
  pageForOrganization(organizationId: string, afterId: string | null, limit: number): Promise<SecurityEventEntity[]> {
    return this.events.find({ where: { organizationId, ...(afterId ? { id: MoreThan(afterId) } : {}) }, order: { id: 'ASC' }, take: limit });
  }

  /**
   * When each user's password was last accepted at login (LOGIN_SUCCEEDED), as far back as events
   * are kept; users without one are absent. One index probe per user, newest first.
   */
  async lastSignInByUser(userIds: readonly string[]): Promise<Map<string, Date>> {
    if (userIds.length === 0) return new Map();
    const rows: Array<{ user_id: string; at: Date | null }> = await this.events.query(
      `SELECT u.id AS user_id,
              (SELECT occurred_at FROM security_events e WHERE e.user_id = u.id AND e.type = $2 ORDER BY e.id DESC LIMIT 1) AS at
         FROM unnest($1::uuid[]) AS u(id)`,
      [userIds, SecurityEventType.LOGIN_SUCCEEDED],
    );
    return new Map(rows.flatMap((row) => (row.at ? [[row.user_id, row.at] as const] : [])));
  }

  listForUser(userId: string, first?: number | null): Promise<SecurityEvent[]> {
    return this.newest({ userId }, first);
  }

  listForOrganization(organizationId: string, first?: number | null): Promise<SecurityEvent[]> {
    return this.newest({ organizationId }, first);
  }

  private newest(where: { userId: string } | { organizationId: string }, first?: number | null) {
    return this.events.find({ where, order: { id: 'DESC' }, take: pageSize(first) });
  }
}
