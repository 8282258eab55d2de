import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { AppError } from '../common/app-error';
import type { AuthenticatedSession, SessionUser } from '../common/authenticated-session';
import { addMinutes, addSeconds, Clock } from '../common/clock';
import { PasskeyPresence } from '../common/passkey-presence';
import { currentRequestContext } from '../common/request-context';
import type { SecondFactorSpend } from '../common/second-factor-spend';
import { deviceName } from '../common/device-name.util';
import { locationOf } from '../common/ip-location.util';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import type { StatementPiece } from '../database/statement';
import { type PasskeyRequirement, TwoFactorRequirementService } from '../organizations/two-factor-requirement.service';
import { toUser } from '../users/models/user.model';
import { type SessionEntity, SessionLevel } from './entities/session.entity';
import { AuthPayload, AuthStatus } from './models/auth-payload.model';
import type { Session } from './models/session.model';
import { KnownSignInDevicesService } from './known-sign-in-devices.service';
import {
  issueStatement,
  type NewSession,
  secondStepStatement,
  sessionOnFactorStatement,
  SessionsRepository,
  signInStatement,
  type SignInWrites,
} from './sessions.repository';
import type { SignInDeviceRow, SignInPlace } from './sign-in-devices.repository';
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

/** Sessions: issuing, resolving a bearer token, upgrading after the second factor, and ending them. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly requirement: TwoFactorRequirementService,
    private readonly trustedDevices: TrustedDevicesService,
    private readonly securityEvents: SecurityEventsService,
    private readonly passkeyPresence: PasskeyPresence,
    private readonly clock: Clock,
    private readonly knownDevices: KnownSignInDevicesService,
    private readonly alerts: SignInAlertsService,
    private readonly transactions: Transactions,
  ) {}

  /**
   * A new session with a new token; PASSWORD sessions are short and only finish the second step.
   * The events of `record` are written in the same statement.
   */
  async issue(user: SessionUser, level: SessionLevel, db?: EntityManager, record: SecurityEventType[] = [], clearedLimits: StatementPiece | null = null): Promise<IssuedSession> {
    const issued = this.newSession(user, level);
    await this.sessions.run(issueStatement(issued.row, record.length === 0 ? null : this.securityEvents.insertPiece(record, user.id), clearedLimits), db);
    return issued.session;
  }

  /**
   * The session of a password login: like issue, and when it is FULL (no 2FA, or a trusted device)
   * its (device, place) pair is recorded in the same statement and a new pair is mailed (afterSignIn).
   * `clearedLimits`, the password attempt's success, is written in the same statement too.
   */
  async signIn(user: SessionUser, level: SessionLevel, record: SecurityEventType[], clearedLimits: StatementPiece | null = null): Promise<IssuedSession> {
    if (level !== SessionLevel.FULL) return this.issue(user, level, undefined, record, clearedLimits);
    const place = await this.knownDevices.ofCurrentRequest();
    const issued = this.newSession(user, level);
    const [row] = await this.sessions.run<SignInDeviceRow>(signInStatement(issued.row, this.signInWrites(user.id, place, record, null, clearedLimits)));
    this.afterSignIn(issued.session, place, row);
    return issued.session;
  }

  /**
   * The second step of login, in one statement (secondStepStatement): when the pending session is
   * live (its row locked) and the factor's spend passes, the session is replaced by a FULL one
   * with a new token (no session fixation), the events are recorded and, if asked, the browser is
   * remembered, and the attempt's counters are cleared. Otherwise nothing is written. Of concurrent calls for one session exactly one
   * wins; of concurrent uses of one code, the factor's conditional write lets one through.
   */
  async completeSecondStep(
    pending: { sessionId: string; user: SessionUser },
    spend: SecondFactorSpend | null,
    { record, rememberDevice, passkeyVerified, clearedLimits }: { record: SecurityEventType[]; rememberDevice: boolean; passkeyVerified: boolean; clearedLimits: StatementPiece | null },
  ): Promise<{ live: boolean; issued: IssuedSession | null }> {
    const place = await this.knownDevices.ofCurrentRequest();
    const full = this.newSession(pending.user, SessionLevel.FULL, passkeyVerified);
    const device = rememberDevice ? this.trustedDevices.newDevice(pending.user.id) : null;
    const [row] = await this.sessions.run<{ live: boolean; issued: boolean } & SignInDeviceRow>(
      secondStepStatement(
        { sessionId: pending.sessionId, userId: pending.user.id, now: this.clock.now() },
        spend,
        full.row,
        this.signInWrites(pending.user.id, place, record, device?.insert ?? null, clearedLimits),
      ),
    );
    if (!row.issued) return { live: row.live, issued: null };
    this.afterSignIn(full.session, place, row);
    return { live: true, issued: { ...full.session, trustedDeviceToken: device?.token } };
  }

  /**
   * A FULL session issued in one statement only when the factor's spend passes (the one-step
   * passkey sign-in: the counter moves once), with its events and, if asked, a trusted device.
   * Null when the spend did not pass (a concurrent use of the same answer): nothing written.
   */
  async issueOnFactor(
    user: SessionUser,
    spend: SecondFactorSpend,
    record: SecurityEventType[],
    rememberDevice: boolean,
    clearedLimits: StatementPiece | null = null,
  ): Promise<IssuedSession | null> {
    const place = await this.knownDevices.ofCurrentRequest();
    const full = this.newSession(user, SessionLevel.FULL, true);
    const device = rememberDevice ? this.trustedDevices.newDevice(user.id) : null;
    const [row] = await this.sessions.run<{ issued: boolean } & SignInDeviceRow>(
      sessionOnFactorStatement(spend, full.row, this.signInWrites(user.id, place, record, device?.insert ?? null, clearedLimits)),
    );
    if (!row.issued) return null;
    this.afterSignIn(full.session, place, row);
    return { ...full.session, trustedDeviceToken: device?.token };
  }

  /** Tells SignInAlertsService what a full sign-in's statement saw of its (device, place) pair. */
  private afterSignIn(issued: IssuedSession, place: SignInPlace, row: SignInDeviceRow): void {
    this.alerts.afterSignIn({ userId: issued.user.id, sessionId: issued.session.id }, place, this.knownDevices.outcomeOf(row));
  }

  private signInWrites(
    userId: string,
    place: SignInPlace,
    record: SecurityEventType[],
    trustedDevice: SignInWrites['trustedDevice'],
    clearedLimits: StatementPiece | null,
  ): SignInWrites {
    return {
      events: this.securityEvents.insertPiece(record, userId),
      signInDevice: this.knownDevices.recordPiece(userId, place),
      trustedDevice,
      clearedLimits,
    };
  }

  /** A new session's row and what the caller gets back: the only copy of its token. */
  private newSession(user: SessionUser, level: SessionLevel, passkeyVerified = false): { row: NewSession; session: IssuedSession } {
    const token = generateOpaqueToken(SESSION_TOKEN_PREFIX);
    const now = this.clock.now();
    const request = currentRequestContext();
    const row: NewSession = {
      id: randomUUID(),
      userId: user.id,
      tokenHash: hashOpaqueToken(token),
      level,
      passkeyVerified,
      createdAt: now,
      expiresAt: level === SessionLevel.PASSWORD ? addMinutes(now, PENDING_SESSION_MINUTES) : addSeconds(now, this.config.sessionTtlHours * 3600),
      ipAddress: request?.ipAddress ?? null,
      userAgent: request?.userAgent ?? null,
    };
    const session: SessionEntity = { ...row, secondFactorFailures: 0, lastSeenAt: now, revokedAt: null };
    return { row, session: { token, session, user } };
  }

  /**
   * Resolves a bearer token to its live session, or null. It runs on every request, so it is one
   * indexed query joining the users table (one round trip per request instead of two).
   */
  async authenticate(token: string): Promise<AuthenticatedSession | null> {
    if (!looksLikeOpaqueToken(token, SESSION_TOKEN_PREFIX)) return null;
    const now = this.clock.now();
    const row = await this.sessions.findLiveByTokenHash(hashOpaqueToken(token), now);
    if (!row) return null;
    if (now.getTime() - row.last_seen_at.getTime() > LAST_SEEN_RESOLUTION_SECONDS * 1000) await this.sessions.touch(row.session_id, now);
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
    if (!(await this.sessions.revokeLive(sessionId, user.id, this.clock.now(), db))) throw AppError.unauthenticated('This session has ended. Sign in again.');
    return this.issue(user, SessionLevel.FULL, db);
  }

  /**
   * Counts a wrong second-factor code against a pending session; the fifth ends it, and the user
   * must enter the password again. Returns how many tries the session has left.
   */
  async recordSecondFactorFailure(sessionId: string): Promise<number> {
    const failures = (await this.sessions.countSecondFactorFailure(sessionId, MAX_SECOND_FACTOR_FAILURES_PER_SESSION, this.clock.now())) ?? MAX_SECOND_FACTOR_FAILURES_PER_SESSION;
    return Math.max(0, MAX_SECOND_FACTOR_FAILURES_PER_SESSION - failures);
  }

  /** The user's live sessions (not expired, not revoked), newest first. */
  async listLive(userId: string, currentSessionId: string): Promise<Session[]> {
    const rows = await this.sessions.findLive(userId, this.clock.now());
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
    await this.transactions.run(async (db) => {
      if (!(await this.sessions.revokeOwn(sessionId, userId, this.clock.now(), db))) throw AppError.notFound('The session');
      await this.securityEvents.record({ type: SecurityEventType.SESSION_REVOKED, userId }, db);
    });
  }

  /** Ends one session, in the caller's transaction when given its manager. */
  async logout(sessionId: string, db?: EntityManager): Promise<void> {
    await this.sessions.revoke(sessionId, this.clock.now(), db);
  }

  async logoutEverywhere(userId: string): Promise<void> {
    await this.transactions.run(async (db) => {
      await this.revokeAll(userId, db);
      await this.trustedDevices.revokeAll(userId, db);
      await this.securityEvents.record({ type: SecurityEventType.LOGGED_OUT_EVERYWHERE, userId }, db);
    });
  }

  /** Ends every live session of the user, but the one named (the caller's own, after a password change). */
  async revokeAll(userId: string, db: EntityManager, exceptSessionId?: string): Promise<void> {
    await this.sessions.revokeAllOf(userId, this.clock.now(), db, exceptSessionId);
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
