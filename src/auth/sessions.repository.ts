import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { type EntityManager, IsNull, MoreThan, Not, Repository } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { SecondFactorSpend } from '../common/second-factor-spend';
import { type BuiltStatement, Gate, runStatement, Statement, type StatementPiece } from '../database/statement';
import { SessionEntity, SessionLevel } from './entities/session.entity';
import type { SignInDeviceColumns } from './sign-in-devices.repository';

/** A session's row as a sign-in writes it (second_factor_failures 0, last_seen_at = created_at, not revoked). */
export interface NewSession {
  id: string;
  userId: string;
  tokenHash: Buffer;
  level: SessionLevel;
  createdAt: Date;
  expiresAt: Date;
  ipAddress: string | null;
  userAgent: string | null;
  passkeyVerified: boolean;
}

/** What a sign-in writes beside its session, as pieces from the modules that own those tables. */
export interface SignInWrites {
  events: StatementPiece;
  /** The (device, place) pair's record; its columns are read back with the result. */
  signInDevice: StatementPiece<SignInDeviceColumns>;
  /** Remembering the browser, when asked. */
  trustedDevice: StatementPiece | null;
  /** The sign-in attempt's counters a success clears (ThrottlingService's Attempt), when the caller hands them in. */
  clearedLimits: StatementPiece | null;
}

/** A bearer token's live session joined with its user: what the guard reads on every request. */
export interface LiveSessionRow {
  session_id: string;
  user_id: string;
  level: SessionLevel;
  expires_at: Date;
  last_seen_at: Date;
  passkey_verified: boolean;
  email: string;
  name: string | null;
  two_factor_enabled_at: Date | null;
  created_at: Date;
}

/** The INSERT of a new session as a piece: inserted only when its gate holds. */
export function insertSession(session: NewSession): StatementPiece {
  return (statement, when) => {
    const createdAt = statement.value(session.createdAt);
    return statement.with(
      'issued',
      `INSERT INTO sessions (id, user_id, token_hash, level, second_factor_failures, created_at, last_seen_at, expires_at, revoked_at, ip_address, user_agent, passkey_verified)
       SELECT ${statement.value(session.id)}::uuid, ${statement.value(session.userId)}::uuid, ${statement.value(session.tokenHash)}::bytea, ${statement.value(session.level)}::varchar, 0,
              ${createdAt}::timestamptz, ${createdAt}::timestamptz, ${statement.value(session.expiresAt)}::timestamptz, NULL,
              ${statement.value(session.ipAddress)}::varchar, ${statement.value(session.userAgent)}::varchar, ${statement.value(session.passkeyVerified)}::boolean
        WHERE ${when.sql}
       RETURNING id`,
    );
  };
}

/** A new session and the events of its creation (sign-up, a pending login): nothing else. */
export function issueStatement(session: NewSession, events: StatementPiece | null, clearedLimits: StatementPiece | null = null): BuiltStatement {
  const statement = new Statement();
  const issued = insertSession(session)(statement, Gate.ALWAYS);
  events?.(statement, issued.happened);
  clearedLimits?.(statement, issued.happened);
  return statement.build();
}

/** A FULL password sign-in: the session, its events and its (device, place) pair. */
export function signInStatement(session: NewSession, writes: Omit<SignInWrites, 'trustedDevice'>): BuiltStatement {
  const statement = new Statement();
  const issued = insertSession(session)(statement, Gate.ALWAYS);
  const device = writes.signInDevice(statement, issued.happened);
  writes.events(statement, issued.happened);
  writes.clearedLimits?.(statement, issued.happened);
  return statement.build(device.columns);
}

/**
 * The second step of login: when the pending session is live (its row locked) and the factor's
 * spend passes, the pending session is revoked and replaced by `session`, with the writes.
 * Columns: live, issued, and the sign-in device's.
 */
export function secondStepStatement(pending: { sessionId: string; userId: string; now: Date }, spend: SecondFactorSpend | null, session: NewSession, writes: SignInWrites): BuiltStatement {
  const statement = new Statement();
  const now = statement.value(pending.now);
  const live = statement.with(
    'live',
    `SELECT id FROM sessions
      WHERE id = ${statement.value(pending.sessionId)} AND user_id = ${statement.value(pending.userId)} AND revoked_at IS NULL AND expires_at > ${now}
        FOR UPDATE`,
  );
  // A factor known to be wrong still runs the statement: it says whether the session was live.
  const used = spend ? spend(statement, live.happened) : statement.with('no_factor', 'SELECT 1 WHERE false');
  const revoked = statement.with(
    'revoked',
    `UPDATE sessions SET revoked_at = ${now} WHERE id = (SELECT id FROM live) AND ${used.happened.sql} RETURNING id`,
  );
  const issued = insertSession(session)(statement, revoked.happened);
  writes.trustedDevice?.(statement, revoked.happened);
  const device = writes.signInDevice(statement, issued.happened);
  writes.events(statement, revoked.happened);
  writes.clearedLimits?.(statement, revoked.happened);
  return statement.build([`${live.happened.sql} AS live`, `${issued.happened.sql} AS issued`, ...device.columns]);
}

/** A FULL session only when the factor's spend passes (one-step passkey sign-in), with the writes. Columns: issued and the sign-in device's. */
export function sessionOnFactorStatement(spend: SecondFactorSpend, session: NewSession, writes: SignInWrites): BuiltStatement {
  const statement = new Statement();
  const used = spend(statement, Gate.ALWAYS);
  const issued = insertSession(session)(statement, used.happened);
  writes.trustedDevice?.(statement, used.happened);
  const device = writes.signInDevice(statement, issued.happened);
  writes.events(statement, used.happened);
  writes.clearedLimits?.(statement, used.happened);
  return statement.build([`${issued.happened.sql} AS issued`, ...device.columns]);
}

/** The sessions table. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>) {}

  /** Runs one of this file's statements (in `db`'s transaction, if any): the rows of its final SELECT. */
  run<Row>(statement: BuiltStatement, db: EntityManager = this.sessions.manager): Promise<Row[]> {
    return runStatement<Row>(db, statement);
  }

  /**
   * The live session of a token hash with its user, or undefined: one indexed query sent straight
   * to the pool. Unnamed, not a named prepared statement: that lives on one server connection,
   * which a pooler in transaction mode (PgBouncer) does not keep for us.
   */
  async findLiveByTokenHash(tokenHash: Buffer, now: Date): Promise<LiveSessionRow | undefined> {
    const pool = (this.sessions.manager.connection.driver as PostgresDriver).master as Pool;
    const { rows } = await pool.query<LiveSessionRow>(
      `SELECT s.id AS session_id, s.user_id, s.level, s.expires_at, s.last_seen_at, s.passkey_verified,
              u.email, u.name, u.two_factor_enabled_at, u.created_at
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2`,
      [tokenHash, now],
    );
    return rows[0];
  }

  async touch(sessionId: string, now: Date): Promise<void> {
    await this.sessions.update({ id: sessionId }, { lastSeenAt: now });
  }

  /**
   * Counts a wrong second-factor code; the `limit`th revokes the session. The failures counted so
   * far (undefined when the session is gone).
   */
  async countSecondFactorFailure(sessionId: string, limit: number, now: Date): Promise<number | undefined> {
    // For UPDATE … RETURNING the postgres driver answers [rows, rowCount].
    const [rows] = (await this.sessions.query(
      `UPDATE sessions
          SET second_factor_failures = second_factor_failures + 1,
              revoked_at = CASE WHEN second_factor_failures + 1 >= $2 THEN $3 ELSE revoked_at END
        WHERE id = $1
      RETURNING second_factor_failures`,
      [sessionId, limit, now],
    )) as [Array<{ second_factor_failures: number }>, number];
    return rows[0]?.second_factor_failures;
  }

  /** The user's sessions neither expired nor revoked, newest first. */
  findLive(userId: string, now: Date): Promise<SessionEntity[]> {
    return this.sessions.find({
      where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(now) },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  /** Revokes the session when it is this user's, live at `now`; false when it is not (someone else's, ended, expired). */
  async revokeLive(sessionId: string, userId: string, now: Date, db: EntityManager = this.sessions.manager): Promise<boolean> {
    const result = await db
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ revokedAt: now })
      .where('id = :sessionId AND user_id = :userId AND revoked_at IS NULL AND expires_at > :now', { sessionId, userId, now })
      .execute();
    return result.affected === 1;
  }

  /** Revokes one of this user's sessions not yet revoked; false when there is none. */
  async revokeOwn(sessionId: string, userId: string, now: Date, db: EntityManager = this.sessions.manager): Promise<boolean> {
    const result = await db.update(SessionEntity, { id: sessionId, userId, revokedAt: IsNull() }, { revokedAt: now });
    return Boolean(result.affected);
  }

  async revoke(sessionId: string, now: Date, db: EntityManager = this.sessions.manager): Promise<void> {
    await db.update(SessionEntity, { id: sessionId, revokedAt: IsNull() }, { revokedAt: now });
  }

  /** Revokes every session of the user not yet revoked, but the one named. */
  async revokeAllOf(userId: string, now: Date, db: EntityManager, exceptSessionId?: string): Promise<void> {
    await db.update(SessionEntity, { userId, revokedAt: IsNull(), ...(exceptSessionId ? { id: Not(exceptSessionId) } : {}) }, { revokedAt: now });
  }
}
