import { describe, expect, it } from 'vitest';
import { SecurityEventType } from '../audit/models/security-event.model';
import { insertSecurityEvents, type NewSecurityEvents } from '../audit/security-events.repository';
import { SessionLevel } from '../auth/entities/session.entity';
import { issueStatement, type NewSession, secondStepStatement, sessionOnFactorStatement, signInStatement, type SignInWrites } from '../auth/sessions.repository';
import { recordSignInDevice } from '../auth/sign-in-devices.repository';
import { insertTrustedDevice } from '../auth/trusted-devices.repository';
import { spendPasskeyCounter } from '../passkeys/passkeys.repository';
import { spendRecoveryCode } from '../recovery-codes/recovery-codes.repository';
import { deleteRateLimitKeys } from '../throttling/rate-limits.repository';
import { spendTotpStep } from '../two-factor/totp-credentials.repository';
import type { BuiltStatement } from './statement';

/**
 * The composed sign-in statements, written to src/database/queries/*.sql from the same pieces the
 * services use, so a changed query shows in review. A changed file fails here; after checking the
 * new SQL, `npm run sql:snapshots` rewrites them.
 */
const at = new Date('2026-01-01T00:00:00Z');
const userId = '00000000-0000-4000-8000-000000000001';
const session: NewSession = {
  id: '00000000-0000-4000-8000-000000000002',
  userId,
  tokenHash: Buffer.alloc(32),
  level: SessionLevel.FULL,
  createdAt: at,
  expiresAt: at,
  ipAddress: '203.0.113.7',
  userAgent: 'a browser',
  passkeyVerified: false,
};
const events: NewSecurityEvents = {
  types: [SecurityEventType.SECOND_FACTOR_SUCCEEDED],
  userId,
  actorUserId: null,
  organizationId: null,
  ipAddress: null,
  userAgent: null,
  occurredAt: at,
};
const writes = (rememberDevice: boolean): SignInWrites => ({
  events: insertSecurityEvents(events, []),
  signInDevice: recordSignInDevice(userId, { device: 'Chrome on macOS', location: 'Seoul, South Korea' }, at),
  trustedDevice: rememberDevice ? insertTrustedDevice({ userId, tokenHash: Buffer.alloc(32), name: 'Chrome on macOS', createdAt: at, expiresAt: at }) : null,
  clearedLimits: deleteRateLimitKeys(['second-factor:' + userId, 'second-factor-locks:' + userId]),
});
const pending = { sessionId: '00000000-0000-4000-8000-000000000003', userId, now: at };

/** The SQL with each value's placeholder, and the values' count, as a reviewer reads it. */
function asFile(statement: BuiltStatement): string {
  return `-- ${statement.values.length} values\n${statement.text};\n`;
}

describe('composed statements (src/database/queries)', () => {
  it.each<[string, () => BuiltStatement]>([
    ['second-step-totp-remember-device', () => secondStepStatement(pending, spendTotpStep(userId, 59_000_000, null), session, writes(true))],
    ['second-step-recovery-code', () => secondStepStatement(pending, spendRecoveryCode(userId, [Buffer.alloc(32)], Buffer.alloc(32), at), session, writes(false))],
    [
      'second-step-passkey',
      () => secondStepStatement(pending, spendPasskeyCounter({ passkeyId: userId, storedCount: 1, newCounter: 2, backedUp: false, usedAt: at }), session, writes(false)),
    ],
    ['second-step-wrong-factor', () => secondStepStatement(pending, null, session, writes(false))],
    [
      'passkey-sign-in',
      () => sessionOnFactorStatement(spendPasskeyCounter({ passkeyId: userId, storedCount: 1, newCounter: 2, backedUp: false, usedAt: at }), session, writes(true)),
    ],
    ['password-sign-in-full', () => signInStatement(session, writes(false))],
    [
      'session-with-events',
      () => issueStatement({ ...session, level: SessionLevel.PASSWORD }, insertSecurityEvents(events, []), deleteRateLimitKeys(['password:a:b', 'password-locks:a:b'])),
    ],
  ])('%s', async (name, build) => {
    await expect(asFile(build())).toMatchFileSnapshot(`./queries/${name}.sql`);
  });
});
