import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { currentRequestContext } from '../common/request-context';
import type { StatementParams } from '../common/statement-params';
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

@Injectable()
export class SecurityEventsService {
  constructor(
    @InjectRepository(SecurityEventEntity) private readonly events: Repository<SecurityEventEntity>,
    private readonly clock: Clock,
  ) {}

  /** Records an event with the client of the current request; inside a transaction when given its manager. */
  async record(input: SecurityEventInput, db: EntityManager = this.events.manager): Promise<void> {
    const request = currentRequestContext();
    await db.insert(SecurityEventEntity, {
      type: input.type,
      userId: input.userId ?? null,
      actorUserId: input.actorUserId ?? null,
      organizationId: input.organizationId ?? null,
      ipAddress: request?.ipAddress ?? null,
      userAgent: request?.userAgent ?? null,
      occurredAt: this.clock.now(),
    });
  }

  /**
   * The same record as an INSERT to put in a larger statement: events of `types`, in that order,
   * for `userId` with the client of the current request, inserted only when `when` (SQL) holds.
   */
  insertSql(params: StatementParams, types: SecurityEventType[], userId: string, when: string): string {
    const request = currentRequestContext();
    return `INSERT INTO security_events (type, user_id, ip_address, user_agent, occurred_at)
      SELECT e.type, ${params.add(userId)}::uuid, ${params.add(request?.ipAddress ?? null)}, ${params.add(request?.userAgent ?? null)}, ${params.add(this.clock.now())}
        FROM unnest(${params.add(types)}::varchar[]) WITH ORDINALITY AS e(type, n)
       WHERE ${when} ORDER BY e.n`;
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
