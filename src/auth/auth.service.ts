import { forwardRef, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { EntityManager, In, IsNull, MoreThan, Not, QueryFailedError, Repository } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { AppError, ErrorCode } from '../common/app-error';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { addMinutes, addSeconds, Clock } from '../common/clock';
import { currentRequestContext } from '../common/request-context';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { OrganizationsService } from '../organizations/organizations.service';
import { ThrottlingService } from '../throttling/throttling.service';
import type { ChangePasswordInput, LoginInput, SignUpInput } from './dto/auth.inputs';
import { SessionEntity, SessionLevel } from './entities/session.entity';
import { TrustedDeviceEntity } from './entities/trusted-device.entity';
import { UserEntity } from './entities/user.entity';
import { AuthPayload, AuthStatus } from './models/auth-payload.model';
import type { TrustedDevice } from './models/trusted-device.model';
import { toUser } from './models/user.model';
import {
  DEVICE_TOKEN_PREFIX,
  generateOpaqueToken,
  hashOpaqueToken,
  looksLikeOpaqueToken,
  SESSION_TOKEN_PREFIX,
} from './utils/opaque-token.util';
import { hashPassword, spendPasswordCheckTime, verifyPassword } from './utils/password-hasher';

export const PENDING_SESSION_MINUTES = 10;
export const MAX_SECOND_FACTOR_FAILURES_PER_SESSION = 5;
export const TRUSTED_DEVICE_DAYS = 30;
/** last_seen_at is refreshed at most this often, so the guard does not write on every request. */
const LAST_SEEN_RESOLUTION_SECONDS = 60;

/** The account as a session sees it (no password hash). */
export type SessionUser = AuthenticatedSession['user'];

/** A session just created, with the only copy of its token. */
export interface IssuedSession {
  token: string;
  session: SessionEntity;
  user: SessionUser;
  trustedDeviceToken?: string;
}

interface SessionRow {
  session_id: string;
  user_id: string;
  level: SessionLevel;
  expires_at: Date;
  last_seen_at: Date;
  email: string;
  name: string | null;
  two_factor_enabled_at: Date | null;
  created_at: Date;
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    @InjectRepository(TrustedDeviceEntity) private readonly devices: Repository<TrustedDeviceEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(forwardRef(() => OrganizationsService)) private readonly organizations: OrganizationsService,
    private readonly securityEvents: SecurityEventsService,
    private readonly throttling: ThrottlingService,
    private readonly clock: Clock,
  ) {}

  // ---- accounts -------------------------------------------------------------------------------

  async signUp(input: SignUpInput): Promise<IssuedSession> {
    const passwordHash = await hashPassword(input.password);
    return this.users.manager.transaction(async (db) => {
      const user = db.create(UserEntity, {
        email: input.email,
        name: input.name ?? null,
        passwordHash,
        twoFactorEnabledAt: null,
        createdAt: this.clock.now(),
      });
      try {
        await db.insert(UserEntity, user);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AppError(ErrorCode.CONFLICT, 'An account with this email already exists. Sign in instead.');
        }
        throw error;
      }
      await this.securityEvents.record({ type: SecurityEventType.SIGNED_UP, userId: user.id }, db);
      return this.createSession(user, SessionLevel.FULL, db);
    });
  }

  async login(input: LoginInput): Promise<IssuedSession> {
    const attempt = await this.throttling.passwordAttempt(input.email);
    const user = await this.users.findOneBy({ email: input.email });
    const passwordMatches = user ? await verifyPassword(user.passwordHash, input.password) : await spendPasswordCheckTime(input.password);
    await attempt.end(Boolean(user && passwordMatches));
    if (!user || !passwordMatches) {
      await this.securityEvents.record({ type: SecurityEventType.LOGIN_FAILED, userId: user?.id ?? null });
      throw new AppError(ErrorCode.INVALID_CREDENTIALS, 'The email or password is not correct.');
    }
    const skipsSecondFactor = !user.twoFactorEnabledAt || (await this.useTrustedDevice(user.id, input.trustedDeviceToken));
    const issued = await this.createSession(user, skipsSecondFactor ? SessionLevel.FULL : SessionLevel.PASSWORD);
    await this.securityEvents.record({ type: SecurityEventType.LOGIN_SUCCEEDED, userId: user.id });
    return issued;
  }

  async changePassword(session: AuthenticatedSession, input: ChangePasswordInput): Promise<void> {
    await this.requirePassword(session.userId, input.currentPassword);
    const passwordHash = await hashPassword(input.newPassword);
    await this.users.manager.transaction(async (db) => {
      await db.update(UserEntity, { id: session.userId }, { passwordHash });
      await this.revokeSessions(session.userId, db, session.sessionId);
      await this.revokeAllTrustedDevices(session.userId, db);
      await this.securityEvents.record({ type: SecurityEventType.PASSWORD_CHANGED, userId: session.userId }, db);
    });
  }

  /** Step-up check before a sensitive change; a wrong password is INVALID_CREDENTIALS. */
  async requirePassword(userId: string, password: string): Promise<void> {
    const user = await this.users.findOneByOrFail({ id: userId });
    if (!(await verifyPassword(user.passwordHash, password))) {
      throw new AppError(ErrorCode.INVALID_CREDENTIALS, 'The password is not correct.');
    }
  }

  findUserById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  findUsersByIds(ids: readonly string[]): Promise<UserEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.users.findBy({ id: In([...ids]) });
  }

  findUserByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email: email.trim().toLowerCase() });
  }

  /** The account's 2FA switch; called by the two-factor module inside its own transaction. */
  async setTwoFactorEnabled(userId: string, enabledAt: Date | null, db: EntityManager): Promise<void> {
    await db.update(UserEntity, { id: userId }, { twoFactorEnabledAt: enabledAt });
  }

  // ---- sessions -------------------------------------------------------------------------------

  /**
   * Resolves a bearer token to its live session, or null. It runs on every request, so it is one
   * indexed query, sent as a named prepared statement straight to the pool: PostgreSQL plans it
   * once per connection instead of on every call.
   */
  async authenticate(token: string): Promise<AuthenticatedSession | null> {
    if (!looksLikeOpaqueToken(token, SESSION_TOKEN_PREFIX)) return null;
    const now = this.clock.now();
    const pool = (this.sessions.manager.connection.driver as PostgresDriver).master as Pool;
    const { rows } = await pool.query<SessionRow>({
      name: 'auth-session-by-token',
      text: `SELECT s.id AS session_id, s.user_id, s.level, s.expires_at, s.last_seen_at,
                    u.email, u.name, u.two_factor_enabled_at, u.created_at
               FROM sessions s JOIN users u ON u.id = s.user_id
              WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2`,
      values: [hashOpaqueToken(token), now],
    });
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
      user: {
        id: row.user_id,
        email: row.email,
        name: row.name,
        twoFactorEnabledAt: row.two_factor_enabled_at,
        createdAt: row.created_at,
      },
    };
  }

  /** The AuthPayload a client sees for a session it was just given. */
  async payloadFor(issued: IssuedSession): Promise<AuthPayload> {
    return {
      accessToken: issued.token,
      status: await this.statusOf(issued.session.level, issued.user),
      expiresAt: issued.session.expiresAt,
      trustedDeviceToken: issued.trustedDeviceToken ?? null,
      user: toUser(issued.user),
    };
  }

  /** True when an organization requires 2FA of this user, who has none, and its grace period is over. */
  async isOverdueForTwoFactorSetup(user: { id: string; twoFactorEnabledAt: Date | null }): Promise<boolean> {
    if (user.twoFactorEnabledAt) return false;
    const deadline = await this.organizations.twoFactorSetupDeadline(user.id);
    return deadline !== null && deadline.getTime() <= this.clock.now().getTime();
  }

  async logout(sessionId: string): Promise<void> {
    await this.sessions.update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
  }

  async logoutEverywhere(userId: string): Promise<void> {
    await this.users.manager.transaction(async (db) => {
      await this.revokeSessions(userId, db);
      await this.revokeAllTrustedDevices(userId, db);
      await this.securityEvents.record({ type: SecurityEventType.LOGGED_OUT_EVERYWHERE, userId }, db);
    });
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
    return this.createSession(user, SessionLevel.FULL, db);
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

  // ---- trusted devices ------------------------------------------------------------------------

  async createTrustedDevice(userId: string, db: EntityManager): Promise<string> {
    const token = generateOpaqueToken(DEVICE_TOKEN_PREFIX);
    const now = this.clock.now();
    await db.insert(TrustedDeviceEntity, {
      userId,
      tokenHash: hashOpaqueToken(token),
      name: deviceName(currentRequestContext()?.userAgent ?? null),
      createdAt: now,
      lastUsedAt: null,
      expiresAt: addSeconds(now, TRUSTED_DEVICE_DAYS * 86400),
      revokedAt: null,
    });
    return token;
  }

  async listTrustedDevices(userId: string): Promise<TrustedDevice[]> {
    return this.devices.find({
      where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) },
      order: { createdAt: 'DESC' },
    });
  }

  async revokeTrustedDevice(userId: string, deviceId: string): Promise<void> {
    const result = await this.devices.update(
      { id: deviceId, userId, revokedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) },
      { revokedAt: this.clock.now() },
    );
    if (!result.affected) throw AppError.notFound('The trusted device');
  }

  async revokeAllTrustedDevices(userId: string, db: EntityManager): Promise<void> {
    await db.update(TrustedDeviceEntity, { userId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
  }

  // ---- internals ------------------------------------------------------------------------------

  private async statusOf(level: SessionLevel, user: SessionUser): Promise<AuthStatus> {
    if (level === SessionLevel.PASSWORD) return AuthStatus.SECOND_FACTOR_REQUIRED;
    return (await this.isOverdueForTwoFactorSetup(user)) ? AuthStatus.TWO_FACTOR_SETUP_REQUIRED : AuthStatus.AUTHENTICATED;
  }

  private async createSession(user: SessionUser, level: SessionLevel, db: EntityManager = this.sessions.manager): Promise<IssuedSession> {
    const token = generateOpaqueToken(SESSION_TOKEN_PREFIX);
    const now = this.clock.now();
    const request = currentRequestContext();
    const session = db.create(SessionEntity, {
      userId: user.id,
      tokenHash: hashOpaqueToken(token),
      level,
      secondFactorFailures: 0,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: level === SessionLevel.PASSWORD ? addMinutes(now, PENDING_SESSION_MINUTES) : addSeconds(now, this.config.sessionTtlHours * 3600),
      revokedAt: null,
      ipAddress: request?.ipAddress ?? null,
      userAgent: request?.userAgent ?? null,
    });
    await db.insert(SessionEntity, session);
    return { token, session, user };
  }

  private async revokeSessions(userId: string, db: EntityManager, exceptSessionId?: string): Promise<void> {
    await db.update(
      SessionEntity,
      { userId, revokedAt: IsNull(), ...(exceptSessionId ? { id: Not(exceptSessionId) } : {}) },
      { revokedAt: this.clock.now() },
    );
  }

  /** True when the token is a live trusted device of this user; marks it used. */
  private async useTrustedDevice(userId: string, token: string | null | undefined): Promise<boolean> {
    if (!token || !looksLikeOpaqueToken(token, DEVICE_TOKEN_PREFIX)) return false;
    const now = this.clock.now();
    const result = await this.devices.update(
      { userId, tokenHash: hashOpaqueToken(token), revokedAt: IsNull(), expiresAt: MoreThan(now) },
      { lastUsedAt: now },
    );
    return (result.affected ?? 0) > 0;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}

/** "Firefox on Linux"-style label; the raw user agent is kept on the session, not here. */
export function deviceName(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const browser = /(Edg|OPR|Chrome|Firefox|Safari)\//.exec(userAgent)?.[1];
  const os = /(Windows|Mac OS X|Android|iPhone|iPad|Linux)/.exec(userAgent)?.[1];
  const names: Record<string, string> = { Edg: 'Edge', OPR: 'Opera', 'Mac OS X': 'macOS' };
  if (!browser && !os) return userAgent.slice(0, 200);
  return [browser && (names[browser] ?? browser), os && (names[os] ?? os)].filter(Boolean).join(' on ');
}
