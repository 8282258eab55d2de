import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, MoreThan, Repository } from 'typeorm';
import { Gate, type Part, runStatement, Statement, type StatementPiece } from '../database/statement';
import { SecurityEventEntity } from './entities/security-event.entity';
import { SecurityEventType } from './models/security-event.model';

/** The one row shape of security_events: events of `types`, in that order, alike in everything else. */
export interface NewSecurityEvents {
  types: SecurityEventType[];
  userId: string | null;
  /** Set when someone else than `userId` made the change. */
  actorUserId: string | null;
  organizationId: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  occurredAt: Date;
}

/**
 * A write another module makes for every new event, in the same statement that inserts it, so the
 * two commit together or not at all (the webhooks' outbox). `recorded` is the part holding the
 * events just inserted: id, type, user_id, organization_id, occurred_at.
 */
export interface SecurityEventListener {
  /** A part name of its own, e.g. `webhook_outbox`. */
  readonly part: string;
  sql(statement: Statement, recorded: Part): string;
}

/** The name of the part that holds the events a statement just inserted. */
export const RECORDED_EVENTS = 'recorded_events';

/** The insert of events as a piece of a larger statement, each listener's write after it; nothing when `when` fails. */
export function insertSecurityEvents(events: NewSecurityEvents, listeners: readonly SecurityEventListener[]): StatementPiece {
  return (statement, when) => {
    const recorded = statement.with(
      RECORDED_EVENTS,
      `INSERT INTO security_events (type, user_id, actor_user_id, organization_id, ip_address, user_agent, occurred_at)
       SELECT e.type, ${statement.value(events.userId)}::uuid, ${statement.value(events.actorUserId)}::uuid, ${statement.value(events.organizationId)}::uuid,
              ${statement.value(events.ipAddress)}, ${statement.value(events.userAgent)}, ${statement.value(events.occurredAt)}
         FROM unnest(${statement.value(events.types)}::varchar[]) WITH ORDINALITY AS e(type, n)
        WHERE ${when.sql} ORDER BY e.n
       RETURNING id, type, user_id, organization_id, occurred_at`,
    );
    for (const listener of listeners) statement.with(listener.part, listener.sql(statement, recorded));
    return recorded;
  };
}

/** The security_events table. */
@Injectable()
export class SecurityEventsRepository {
  constructor(@InjectRepository(SecurityEventEntity) private readonly events: Repository<SecurityEventEntity>) {}

  /** Inserts events (with their listeners' writes) as a statement of its own, in `db`'s transaction if any. */
  async insert(events: NewSecurityEvents, listeners: readonly SecurityEventListener[], db: EntityManager = this.events.manager): Promise<void> {
    const statement = new Statement();
    insertSecurityEvents(events, listeners)(statement, Gate.ALWAYS);
    await runStatement(db, statement.build());
  }

  findByIds(ids: readonly string[]): Promise<SecurityEventEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.events.findBy({ id: In([...ids]) });
  }

  /** The organization's events oldest first, after the event `afterId`. */
  pageForOrganization(organizationId: string, afterId: string | null, limit: number): Promise<SecurityEventEntity[]> {
    return this.events.find({ where: { organizationId, ...(afterId ? { id: MoreThan(afterId) } : {}) }, order: { id: 'ASC' }, take: limit });
  }

  /** When each user last had an event of `type`, as far back as events are kept: one index probe per user, newest first. */
  async lastOfTypeByUser(userIds: readonly string[], type: SecurityEventType): Promise<Map<string, Date>> {
    if (userIds.length === 0) return new Map();
    const rows: Array<{ user_id: string; at: Date | null }> = await this.events.query(
      `SELECT u.id AS user_id,
              (SELECT occurred_at FROM security_events e WHERE e.user_id = u.id AND e.type = $2 ORDER BY e.id DESC LIMIT 1) AS at
         FROM unnest($1::uuid[]) AS u(id)`,
      [userIds, type],
    );
    return new Map(rows.flatMap((row) => (row.at ? [[row.user_id, row.at] as const] : [])));
  }

  /** The newest `take` events of a user or an organization. */
  newest(where: { userId: string } | { organizationId: string }, take: number): Promise<SecurityEventEntity[]> {
    return this.events.find({ where, order: { id: 'DESC' }, take });
  }
}
