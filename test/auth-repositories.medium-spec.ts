import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecurityEventEntity } from '../src/audit/entities/security-event.entity';
import { SecurityEventType } from '../src/audit/models/security-event.model';
import { insertSecurityEvents, SecurityEventsRepository } from '../src/audit/security-events.repository';
import { SessionEntity, SessionLevel } from '../src/auth/entities/session.entity';
import { SignInDeviceEntity } from '../src/auth/entities/sign-in-device.entity';
import { SignInReportEntity } from '../src/auth/entities/sign-in-report.entity';
import { TrustedDeviceEntity } from '../src/auth/entities/trusted-device.entity';
import { PasswordResetTokensRepository } from '../src/auth/password-reset-tokens.repository';
import { issueStatement, type NewSession, secondStepStatement, SessionsRepository, type SignInWrites } from '../src/auth/sessions.repository';
import { recordSignInDevice, type SignInDeviceRow } from '../src/auth/sign-in-devices.repository';
import { SignInReportsRepository } from '../src/auth/sign-in-reports.repository';
import { insertTrustedDevice, TrustedDevicesRepository } from '../src/auth/trusted-devices.repository';
import { Transactions } from '../src/database/transactions';
import { deleteRateLimitKeys } from '../src/throttling/rate-limits.repository';
import { TotpCredentialEntity } from '../src/two-factor/entities/totp-credential.entity';
import { spendTotpStep } from '../src/two-factor/totp-credentials.repository';
import { UserEntity } from '../src/users/entities/user.entity';
import { type MediumServices, newMediumServices } from './support/medium';

/** Auth's and audit's repositories on PostgreSQL: the conditional writes the services rely on. */
const DAY = 86_400_000;
let m: MediumServices;
let sessions: SessionsRepository;
beforeAll(async () => {
  m = await newMediumServices({
    providers: [SessionsRepository, TrustedDevicesRepository, SignInReportsRepository, PasswordResetTokensRepository, SecurityEventsRepository, Transactions],
    entities: [UserEntity, SessionEntity, TrustedDeviceEntity, SignInDeviceEntity, SignInReportEntity, SecurityEventEntity, TotpCredentialEntity],
  });
  sessions = m.get(SessionsRepository);
});
afterAll(async () => {
  await m?.close();
});

const later = (days: number) => new Date(m.clock.now().getTime() + days * DAY);

function newSession(userId: string, level = SessionLevel.PASSWORD): NewSession {
  return {
    id: randomUUID(),
    userId,
    tokenHash: randomBytes(32),
    level,
    createdAt: m.clock.now(),
    expiresAt: later(1),
    ipAddress: null,
    userAgent: null,
    passkeyVerified: false,
  };
}

async function pendingSession(userId: string): Promise<NewSession> {
  const row = newSession(userId);
  await sessions.run(issueStatement(row, null));
  return row;
}

function writes(userId: string, rememberDevice: boolean): SignInWrites {
  const now = m.clock.now();
  return {
    events: insertSecurityEvents({ types: [SecurityEventType.SECOND_FACTOR_SUCCEEDED], userId, actorUserId: null, organizationId: null, ipAddress: null, userAgent: null, occurredAt: now }, []),
    signInDevice: recordSignInDevice(userId, { device: 'Firefox on Linux', location: null }, now),
    trustedDevice: rememberDevice ? insertTrustedDevice({ userId, tokenHash: randomBytes(32), name: null, createdAt: now, expiresAt: later(30) }) : null,
    clearedLimits: deleteRateLimitKeys([failuresKey(userId)]),
  };
}

/** A second-factor failure count of the user, as the attempt ladder keeps it: a success clears it. */
const failuresKey = (userId: string) => `second-factor:${userId}`;
async function countFailure(userId: string): Promise<void> {
  await m.dataSource.query('INSERT INTO rate_limits (key, points, expire) VALUES ($1, 1, NULL)', [failuresKey(userId)]);
}
const failuresCounted = async (userId: string) => (await m.dataSource.query('SELECT 1 FROM rate_limits WHERE key = $1', [failuresKey(userId)])).length > 0;

describe('secondStepStatement', () => {
  async function userWithApp() {
    const user = await m.fixtures.user();
    await m.dataSource.manager.insert(TotpCredentialEntity, { userId: user.id, encryptedSecret: 'sealed', lastUsedStep: '100', createdAt: m.clock.now() });
    return user;
  }
  const countOf = async (entity: typeof SessionEntity | typeof TrustedDeviceEntity | typeof SecurityEventEntity, userId: string) =>
    m.dataSource.manager.countBy(entity, { userId });

  it('of two concurrent second steps with one code, exactly one replaces the session, remembers the browser and records the event', async () => {
    const user = await userWithApp();
    const pending = await pendingSession(user.id);
    await countFailure(user.id);
    const run = () =>
      sessions.run<{ live: boolean; issued: boolean } & SignInDeviceRow>(
        secondStepStatement({ sessionId: pending.id, userId: user.id, now: m.clock.now() }, spendTotpStep(user.id, 101, null), newSession(user.id, SessionLevel.FULL), writes(user.id, true)),
      );
    const results = (await Promise.all([run(), run()])).map(([row]) => row!);
    expect(results.filter((row) => row.issued)).toHaveLength(1);
    expect(await countOf(SessionEntity, user.id)).toBe(2);
    expect(await countOf(TrustedDeviceEntity, user.id)).toBe(1);
    expect(await countOf(SecurityEventEntity, user.id)).toBe(1);
    const old = await m.dataSource.manager.findOneByOrFail(SessionEntity, { id: pending.id });
    expect(old.revokedAt).not.toBeNull();
    expect(await failuresCounted(user.id)).toBe(false);
  });

  it('writes nothing for a used step, a wrong factor or another user’s pending session, and says whether the session was live', async () => {
    const user = await userWithApp();
    const stranger = await m.fixtures.user();
    const pending = await pendingSession(user.id);
    await countFailure(user.id);
    await countFailure(stranger.id);
    const attempt = async (userId: string, spend: ReturnType<typeof spendTotpStep> | null) => {
      const [row] = await sessions.run<{ live: boolean; issued: boolean }>(
        secondStepStatement({ sessionId: pending.id, userId, now: m.clock.now() }, spend, newSession(userId, SessionLevel.FULL), writes(userId, true)),
      );
      return row;
    };
    expect(await attempt(user.id, spendTotpStep(user.id, 100, null))).toMatchObject({ live: true, issued: false });
    expect(await attempt(user.id, null)).toMatchObject({ live: true, issued: false });
    expect(await attempt(stranger.id, spendTotpStep(user.id, 101, null))).toMatchObject({ live: false, issued: false });
    expect(await countOf(SessionEntity, user.id)).toBe(1);
    expect(await countOf(SessionEntity, stranger.id)).toBe(0);
    expect(await countOf(TrustedDeviceEntity, user.id)).toBe(0);
    expect(await countOf(SecurityEventEntity, user.id)).toBe(0);
    expect(await failuresCounted(user.id)).toBe(true);
    expect(await failuresCounted(stranger.id)).toBe(true);
  });
});

describe('SessionsRepository', () => {
  it('revokes the session at the fifth wrong code and not before', async () => {
    const user = await m.fixtures.user();
    const pending = await pendingSession(user.id);
    for (let failure = 1; failure <= 4; failure += 1) expect(await sessions.countSecondFactorFailure(pending.id, 5, m.clock.now())).toBe(failure);
    expect((await m.dataSource.manager.findOneByOrFail(SessionEntity, { id: pending.id })).revokedAt).toBeNull();
    expect(await sessions.countSecondFactorFailure(pending.id, 5, m.clock.now())).toBe(5);
    expect((await m.dataSource.manager.findOneByOrFail(SessionEntity, { id: pending.id })).revokedAt).not.toBeNull();
    expect(await sessions.findLiveByTokenHash(pending.tokenHash, m.clock.now())).toBeUndefined();
  });

  it('revokes only a live session of the same user, once', async () => {
    const user = await m.fixtures.user();
    const stranger = await m.fixtures.user();
    const pending = await pendingSession(user.id);
    expect(await sessions.revokeLive(pending.id, stranger.id, m.clock.now())).toBe(false);
    expect(await sessions.revokeOwn(pending.id, stranger.id, m.clock.now())).toBe(false);
    expect(await sessions.findLiveByTokenHash(pending.tokenHash, m.clock.now())).toMatchObject({ session_id: pending.id, email: user.email });
    expect(await sessions.revokeLive(pending.id, user.id, m.clock.now())).toBe(true);
    expect(await sessions.revokeLive(pending.id, user.id, m.clock.now())).toBe(false);
  });

  it('does not resolve a session past its expiry', async () => {
    const user = await m.fixtures.user();
    const pending = await pendingSession(user.id);
    expect(await sessions.findLiveByTokenHash(pending.tokenHash, later(2))).toBeUndefined();
    expect(await sessions.revokeLive(pending.id, user.id, later(2))).toBe(false);
  });
});

describe('TrustedDevicesRepository', () => {
  it('accepts a device token only for its own user, while live', async () => {
    const devices = m.get(TrustedDevicesRepository);
    const user = await m.fixtures.user();
    const stranger = await m.fixtures.user();
    const tokenHash = randomBytes(32);
    await sessions.run(issueStatement(newSession(user.id), insertTrustedDevice({ userId: user.id, tokenHash, name: null, createdAt: m.clock.now(), expiresAt: later(30) })));
    expect(await devices.markUsed(stranger.id, tokenHash, m.clock.now())).toBe(false);
    expect(await devices.markUsed(user.id, tokenHash, later(31))).toBe(false);
    expect(await devices.markUsed(user.id, tokenHash, m.clock.now())).toBe(true);
    await devices.revokeAllOf(user.id, m.clock.now());
    expect(await devices.markUsed(user.id, tokenHash, m.clock.now())).toBe(false);
    expect(await devices.findLive(user.id, m.clock.now())).toEqual([]);
  });
});

describe('single-use tokens', () => {
  it('a sign-in report token is taken once', async () => {
    const reports = m.get(SignInReportsRepository);
    const user = await m.fixtures.user();
    const pending = await pendingSession(user.id);
    const tokenHash = randomBytes(32);
    const report = { tokenHash, userId: user.id, sessionId: pending.id, device: 'Safari on iOS', location: '', createdAt: m.clock.now(), expiresAt: later(7) };
    await reports.recordAlert(report, insertSecurityEvents({ types: [SecurityEventType.NEW_DEVICE_SIGN_IN], userId: user.id, actorUserId: null, organizationId: null, ipAddress: null, userAgent: null, occurredAt: m.clock.now() }, []));
    const [first, second] = await Promise.all([reports.take(tokenHash), reports.take(tokenHash)]);
    expect([first, second].filter(Boolean)).toEqual([expect.objectContaining({ userId: user.id, sessionId: pending.id, device: 'Safari on iOS' })]);
    expect(await m.dataSource.manager.countBy(SecurityEventEntity, { userId: user.id, type: SecurityEventType.NEW_DEVICE_SIGN_IN })).toBe(1);
  });

  it('a newer reset token voids the older one, and is taken once', async () => {
    const tokens = m.get(PasswordResetTokensRepository);
    const user = await m.fixtures.user();
    const older = randomBytes(32);
    const newer = randomBytes(32);
    await tokens.save(user.id, older, m.clock.now(), later(1));
    await tokens.save(user.id, newer, m.clock.now(), later(1));
    expect(await tokens.ownerOf(older)).toBeUndefined();
    expect(await tokens.ownerOf(newer)).toBe(user.id);
    const taken = await m.get(Transactions).run(async (db) => [await tokens.take(newer, db), await tokens.take(newer, db)]);
    expect(taken).toEqual([{ userId: user.id, expiresAt: later(1) }, undefined]);
  });
});

describe('SecurityEventsRepository', () => {
  it('finds each user’s newest event of one type, and no one else’s', async () => {
    const events = m.get(SecurityEventsRepository);
    const [user, other, silent] = [await m.fixtures.user(), await m.fixtures.user(), await m.fixtures.user()];
    const record = (userId: string, type: SecurityEventType, occurredAt: Date) =>
      events.insert({ types: [type], userId, actorUserId: null, organizationId: null, ipAddress: null, userAgent: null, occurredAt }, []);
    await record(user.id, SecurityEventType.LOGIN_SUCCEEDED, later(-2));
    await record(user.id, SecurityEventType.LOGIN_SUCCEEDED, later(-1));
    await record(user.id, SecurityEventType.PASSWORD_CHANGED, later(0));
    await record(other.id, SecurityEventType.PASSWORD_CHANGED, later(0));
    const last = await events.lastOfTypeByUser([user.id, other.id, silent.id], SecurityEventType.LOGIN_SUCCEEDED);
    expect([...last.entries()]).toEqual([[user.id, later(-1)]]);
  });
});
