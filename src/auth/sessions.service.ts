import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { EntityManager, IsNull, MoreThan, Not, Repository } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { AppError } from '../common/app-error';
import type { AuthenticatedSession, SessionUser } from '../common/authenticated-session';
import { addMinutes, addSeconds, Clock } from '../common/clock';
import { PasskeyPresence } from '../common/passkey-presence';
import { currentRequestContext } from '../common/request-context';
import { type SecondFactorWrite, StatementParams } from '../common/statement-params';
import { deviceName } from '../common/device-name.util';
import { locationOf } from '../common/ip-location.util';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { type PasskeyRequirement, TwoFactorRequirementService } from '../organizations/two-factor-requirement.service';
import { toUser } from '../users/models/user.model';
import { SessionEntity, SessionLevel } from './entities/session.entity';
import { AuthPayload, AuthStatus } from './models/auth-payload.model';
import type { Session } from './models/session.model';
import { type KnownDeviceColumns, KnownSignInDevicesService, type SignInPlace } from './known-sign-in-devices.service';
import { SignInAlertsService } from './sign-in-alerts.service';
import { TrustedDevicesService } from './trusted-devices.service';
import { generateOpaqueToken, hashOpaqueToken, looksLikeOpaqueToken, SESSION_TOKEN_PREFIX } from './utils/opaque-token.util';
import { isHeldForPasskey } from './utils/passkey-hold.util';

export const PENDING_SESSION_MINUTES = 10;
export const MAX_SECOND_FACTOR_FAILURES_PER_SESSION = 5;
/** last_seen_at is refreshed at most this often, so the guard does not write on every request. */
const LAST_SEEN_RESOLUTION_SECONDS = 60;

/** A session just created, with the only copy of its token. */
export interface IssuedSession {
  token: string;
  session: SessionEntity;
  user: SessionUser;
  trustedDeviceToken?: string;
  trustedDeviceRejected?: boolean;
}

interface SessionRow {
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

/** Sessions: issuing, resolving a bearer token, upgrading after the second factor, and ending them. */
@Injectable()
export class SessionsService {
  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly requirement: TwoFactorRequirementService,
    private readonly trustedDevices: TrustedDevicesService,
    private readonly securityEvents: SecurityEventsService,
    private readonly passkeyPresence: PasskeyPresence,
    private readonly clock: Clock,
    private readonly knownDevices: KnownSignInDevicesService,
    private readonly alerts: SignInAlertsService,
  ) {}

  /**
   * A new session with a new token; PASSWORD sessions are short and only finish the second step.
   * The events of `record` are written in the same statement.
   */
  async issue(user: SessionUser, level: SessionLevel, db: EntityManager = this.sessions.manager, record: SecurityEventType[] = []): Promise<IssuedSession> {
    const params = new StatementParams();
    const { sql, issued } = this.insertSql(params, user, level, 'TRUE');
    await db.query(
      record.length === 0 ? sql : `WITH issued AS (${sql} RETURNING id), ${this.securityEvents.insertCtes(params, record, user.id, 'EXISTS (SELECT 1 FROM issued)')} SELECT 1`,
      params.values,
    );
    return issued;
  }

  /**
   * The session of a password login: like issue, and when it is FULL (no 2FA, or a trusted device)
   * its (device, place) pair is recorded in the same statement and a new pair is mailed (afterSignIn).
   */
  async signIn(user: SessionUser, level: SessionLevel, record: SecurityEventType[]): Promise<IssuedSession> {
    if (level !== SessionLevel.FULL) return this.issue(user, level, undefined, record);
    const place = await this.knownDevices.ofCurrentRequest();
    const params = new StatementParams();
    const { sql, issued } = this.insertSql(params, user, level, 'TRUE');
    const known = this.knownDevices.recordCtes(params, user.id, place, 'EXISTS (SELECT 1 FROM issued)');
    const [row] = (await this.sessions.query(
      `WITH issued AS (${sql} RETURNING id), ${known.ctes}, ${this.securityEvents.insertCtes(params, record, user.id, 'EXISTS (SELECT 1 FROM issued)')}
       SELECT ${known.columns}`,
      params.values,
    )) as Array<KnownDeviceColumns>;
    this.afterSignIn(issued, place, row);
    return issued;
  }

  /** Tells SignInAlertsService what a full sign-in's statement saw of its (device, place) pair. */
  private afterSignIn(issued: IssuedSession, place: SignInPlace, row: KnownDeviceColumns): void {
    this.alerts.afterSignIn({ userId: issued.user.id, sessionId: issued.session.id }, place, this.knownDevices.outcomeOf(row));
  }

  /**
   * The second step of login, in one statement: when the pending session is live (its row locked)
   * and the second factor's conditional write passes, the session is replaced by a FULL one with
   * a new token (no session fixation), the events are recorded and, if asked, the browser is
   * remembered. Otherwise nothing is written. Of concurrent calls for one session exactly one
   * wins; of concurrent uses of one code, the factor's conditional write lets one through.
   */
  async completeSecondStep(
    pending: { sessionId: string; user: SessionUser },
    factorWrite: SecondFactorWrite | null,
    record: SecurityEventType[],
    rememberDevice: boolean,
    passkeyVerified = false,
  ): Promise<{ live: boolean; issued: IssuedSession | null }> {
    const place = await this.knownDevices.ofCurrentRequest();
    const params = new StatementParams();
    const userId = params.add(pending.user.id);
    const now = params.add(this.clock.now());
    const live = `SELECT id FROM sessions WHERE id = ${params.add(pending.sessionId)} AND user_id = ${userId} AND revoked_at IS NULL AND expires_at > ${now} FOR UPDATE`;
    const used = factorWrite ? `${factorWrite(params, 'EXISTS (SELECT 1 FROM live)')} RETURNING 1` : 'SELECT 1 WHERE false';
    const full = this.insertSql(params, pending.user, SessionLevel.FULL, 'EXISTS (SELECT 1 FROM revoked)', passkeyVerified);
    const device = rememberDevice ? this.trustedDevices.insertSql(params, pending.user.id, 'EXISTS (SELECT 1 FROM revoked)') : null;
    const known = this.knownDevices.recordCtes(params, pending.user.id, place, 'EXISTS (SELECT 1 FROM issued)');
    const [row] = (await this.sessions.query(
      `WITH live AS (${live}),
            used AS (${used}),
            revoked AS (UPDATE sessions SET revoked_at = ${now} WHERE id = (SELECT id FROM live) AND EXISTS (SELECT 1 FROM used) RETURNING id),
            issued AS (${full.sql} RETURNING id),
            ${device ? `device AS (${device.sql}),` : ''}
            ${known.ctes},
            ${this.securityEvents.insertCtes(params, record, pending.user.id, 'EXISTS (SELECT 1 FROM revoked)')}
       SELECT EXISTS (SELECT 1 FROM live) AS live, EXISTS (SELECT 1 FROM issued) AS issued, ${known.columns}`,
      params.values,
    )) as Array<{ live: boolean; issued: boolean } & KnownDeviceColumns>;
    if (!row.issued) return { live: row.live, issued: null };
    this.afterSignIn(full.issued, place, row);
    return { live: true, issued: { ...full.issued, trustedDeviceToken: device?.token } };
  }

  /**
   * A FULL session issued in one statement only when the factor's conditional write passes (the
   * one-step passkey sign-in: the counter moves once), with its events and, if asked, a trusted
   * device. Null when the write did not pass (a concurrent use of the same answer): nothing written.
   */
  async issueOnFactor(user: SessionUser, factorWrite: SecondFactorWrite, record: SecurityEventType[], rememberDevice: boolean): Promise<IssuedSession | null> {
    const place = await this.knownDevices.ofCurrentRequest();
    const params = new StatementParams();
    const used = 'EXISTS (SELECT 1 FROM used)';
    const full = this.insertSql(params, user, SessionLevel.FULL, used, true);
    const device = rememberDevice ? this.trustedDevices.insertSql(params, user.id, used) : null;
    const known = this.knownDevices.recordCtes(params, user.id, place, 'EXISTS (SELECT 1 FROM issued)');
    const [row] = (await this.sessions.query(
      `WITH used AS (${factorWrite(params, 'TRUE')} RETURNING 1),
            issued AS (${full.sql} RETURNING id),
            ${device ? `device AS (${device.sql}),` : ''}
            ${known.ctes},
            ${this.securityEvents.insertCtes(params, record, user.id, used)}
       SELECT EXISTS (SELECT 1 FROM issued) AS issued, ${known.columns}`,
      params.values,
    )) as Array<{ issued: boolean } & KnownDeviceColumns>;
    if (!row.issued) return null;
    this.afterSignIn(full.issued, place, row);
    return { ...full.issued, trustedDeviceToken: device?.token };
  }

  /** The INSERT of a new session, to put in a statement: inserted only when `when` (SQL) holds. */
  private insertSql(params: StatementParams, user: SessionUser, level: SessionLevel, when: string, passkeyVerified = false): { sql: string; issued: IssuedSession } {
    const token = generateOpaqueToken(SESSION_TOKEN_PREFIX);
    const now = this.clock.now();
    const request = currentRequestContext();
    const session = this.sessions.create({
      id: randomUUID(),
      userId: user.id,
      tokenHash: hashOpaqueToken(token),
      level,
      secondFactorFailures: 0,
      passkeyVerified,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: level === SessionLevel.PASSWORD ? addMinutes(now, PENDING_SESSION_MINUTES) : addSeconds(now, this.config.sessionTtlHours * 3600),
      revokedAt: null,
      ipAddress: request?.ipAddress ?? null,
      userAgent: request?.userAgent ?? null,
    });
    const values = [
      session.id,
      session.userId,
      session.tokenHash,
      session.level,
      session.createdAt,
      session.expiresAt,
      session.ipAddress,
      session.userAgent,
      session.passkeyVerified,
    ].map((value) => params.add(value));
    const [id, userId, tokenHash, sessionLevel, createdAt, expiresAt, ipAddress, userAgent, byPasskey] = values;
    const sql = `INSERT INTO sessions (id, user_id, token_hash, level, second_factor_failures, created_at, last_seen_at, expires_at, revoked_at, ip_address, user_agent, passkey_verified)
      SELECT ${id}::uuid, ${userId}::uuid, ${tokenHash}::bytea, ${sessionLevel}::varchar, 0, ${createdAt}::timestamptz, ${createdAt}::timestamptz, ${expiresAt}::timestamptz, NULL,
             ${ipAddress}::varchar, ${userAgent}::varchar, ${byPasskey}::boolean
       WHERE ${when}`;
    return { sql, issued: { token, session, user } };
  }

  /**
   * Resolves a bearer token to its live session, or null. It runs on every request, so it is one
   * indexed query, sent straight to the pool, joining the users table (one round trip per request
   * instead of two). Unnamed, not a named prepared statement: that lives on one server connection,
   * which a pooler in transaction mode (PgBouncer) does not keep for us.
   */
  async authenticate(token: string): Promise<AuthenticatedSession | null> {
    if (!looksLikeOpaqueToken(token, SESSION_TOKEN_PREFIX)) return null;
    const now = this.clock.now();
    const pool = (this.sessions.manager.connection.driver as PostgresDriver).master as Pool;
    const { rows } = await pool.query<SessionRow>(
      `SELECT s.id AS session_id, s.user_id, s.level, s.expires_at, s.last_seen_at, s.passkey_verified,
              u.email, u.name, u.two_factor_enabled_at, u.created_at
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2`,
      [hashOpaqueToken(token), now],
    );
    const row = rows[0];
    if (!row) return null;
    if (now.getTime() - row.last_seen_at.getTime() > LAST_SEEN_RESOLUTION_SECONDS * 1000) {
      await this.sessions.update({ id: row.session_id }, { lastSeenAt: now });
    }
    return {
      sessionId: row.session_id,
      userId: row.user_id,
      level: row.level,
      expiresAt: row.expires_at,
      passkeyVerified: row.passkey_verified,
      user: {
        id: row.user_id,
        email: row.email,
        name: row.name,
        twoFactorEnabledAt: row.two_factor_enabled_at,
        createdAt: row.created_at,
      },
    };
  }

  /** The AuthPayload a client sees for a session it was just given (with the user's passkey rule when the caller already read it). */
  async payloadFor(issued: IssuedSession, passkeyRule?: PasskeyRequirement): Promise<AuthPayload> {
    return {
      accessToken: issued.token,
      status: await this.statusOf(issued.session.level, issued.user, issued.session.passkeyVerified, passkeyRule),
      expiresAt: issued.session.expiresAt,
      trustedDeviceToken: issued.trustedDeviceToken ?? null,
      trustedDeviceRejected: issued.trustedDeviceRejected ?? false,
      user: toUser(issued.user),
    };
  }

  /**
   * Replaces a session by a FULL one with a new token (no session fixation). The old session is
   * revoked by a conditional UPDATE, so of many concurrent calls for one session exactly one wins;
   * the row stays locked until the caller's transaction ends.
   */
  async replaceWithFullSession(sessionId: string, user: SessionUser, db: EntityManager): Promise<IssuedSession> {
    const revoked = await db
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ revokedAt: this.clock.now() })
      .where('id = :sessionId AND user_id = :userId AND revoked_at IS NULL AND expires_at > :now', { sessionId, userId: user.id, now: this.clock.now() })
      .execute();
    if (revoked.affected !== 1) throw AppError.unauthenticated('This session has ended. Sign in again.');
    return this.issue(user, SessionLevel.FULL, db);
  }

  /**
   * Counts a wrong second-factor code against a pending session; the fifth ends it, and the user
   * must enter the password again. Returns how many tries the session has left.
   */
  async recordSecondFactorFailure(sessionId: string): Promise<number> {
    // For UPDATE … RETURNING the postgres driver answers [rows, rowCount].
    const [rows] = (await this.sessions.query(
      `UPDATE sessions
          SET second_factor_failures = second_factor_failures + 1,
              revoked_at = CASE WHEN second_factor_failures + 1 >= $2 THEN $3 ELSE revoked_at END
        WHERE id = $1
      RETURNING second_factor_failures`,
      [sessionId, MAX_SECOND_FACTOR_FAILURES_PER_SESSION, this.clock.now()],
    )) as [Array<{ second_factor_failures: number }>, number];
    const failures = rows[0]?.second_factor_failures ?? MAX_SECOND_FACTOR_FAILURES_PER_SESSION;
    return Math.max(0, MAX_SECOND_FACTOR_FAILURES_PER_SESSION - failures);
  }

  /** The user's live sessions (not expired, not revoked), newest first. */
  async listLive(userId: string, currentSessionId: string): Promise<Session[]> {
    const rows = await this.sessions.find({
      where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
    const locations = await Promise.all(rows.map((row) => locationOf(row.ipAddress)));
    return rows.map((row, index) => ({
      id: row.id,
      current: row.id === currentSessionId,
      level: row.level,
      createdAt: row.createdAt,
      lastSeenAt: row.lastSeenAt,
      expiresAt: row.expiresAt,
      ipAddress: row.ipAddress,
      userAgent: row.userAgent,
      device: deviceName(row.userAgent),
      location: locations[index],
    }));
  }

  /** Ends one live session of this user; NOT_FOUND (and nothing ends) for anyone else's. */
  async revokeOwn(userId: string, sessionId: string): Promise<void> {
    await this.sessions.manager.transaction(async (db) => {
      const result = await db.update(SessionEntity, { id: sessionId, userId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
      if (!result.affected) throw AppError.notFound('The session');
      await this.securityEvents.record({ type: SecurityEventType.SESSION_REVOKED, userId }, db);
    });
  }

  /** Ends one session, in the caller's transaction when given its manager. */
  async logout(sessionId: string, db: EntityManager = this.sessions.manager): Promise<void> {
    await db.update(SessionEntity, { id: sessionId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
  }

  async logoutEverywhere(userId: string): Promise<void> {
    await this.sessions.manager.transaction(async (db) => {
      await this.revokeAll(userId, db);
      await this.trustedDevices.revokeAll(userId, db);
      await this.securityEvents.record({ type: SecurityEventType.LOGGED_OUT_EVERYWHERE, userId }, db);
    });
  }

  /** Ends every live session of the user, but the one named (the caller's own, after a password change). */
  async revokeAll(userId: string, db: EntityManager, exceptSessionId?: string): Promise<void> {
    await db.update(
      SessionEntity,
      { userId, revokedAt: IsNull(), ...(exceptSessionId ? { id: Not(exceptSessionId) } : {}) },
      { revokedAt: this.clock.now() },
    );
  }

  private async statusOf(level: SessionLevel, user: SessionUser, passkeyVerified: boolean, passkeyRule?: PasskeyRequirement): Promise<AuthStatus> {
    if (level === SessionLevel.PASSWORD) return AuthStatus.SECOND_FACTOR_REQUIRED;
    const held = (await this.requirement.isOverdue(user)) || (await this.isHeldForPasskey({ user, passkeyVerified }, passkeyRule));
    return held ? AuthStatus.TWO_FACTOR_SETUP_REQUIRED : AuthStatus.AUTHENTICATED;
  }

  /**
   * True when an organization's phishing-resistant rule holds this FULL session to registering a
   * passkey (isHeldForPasskey). Asked only for users with 2FA on: one query, and a second only
   * while a rule's grace period runs.
   */
  async isHeldForPasskey(session: { user: SessionUser; passkeyVerified: boolean }, knownRule?: PasskeyRequirement): Promise<boolean> {
    if (!session.user.twoFactorEnabledAt || session.passkeyVerified) return false;
    const rule = knownRule === undefined ? await this.requirement.passkeyRequirement(session.user.id) : knownRule;
    return isHeldForPasskey(rule, session, this.clock.now(), () => this.passkeyPresence.has(session.user.id));
  }
}
