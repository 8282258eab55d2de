import { DataSource, type EntityManager } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionsService } from '../src/auth/sessions.service';
import type { AuthenticatedSession } from '../src/common/authenticated-session';
import { OrganizationRole } from '../src/organizations/models/organization-role.model';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { RecoveryCodesService } from '../src/recovery-codes/recovery-codes.service';
import { TotpCredentials } from '../src/two-factor/totp-credentials';
import { TwoFactorSetupService } from '../src/two-factor/two-factor-setup.service';
import { newUser } from './support/operations';
import { addMember } from './support/organizations';
import { startTestApp, type TestApp } from './support/test-app';
import { newUserWithTwoFactor, startSetup, totpCode, verifySetupEmail } from './support/two-factor';

/**
 * The medium tier: the services that must let a thing happen once, called directly (no HTTP, no
 * guard) against PostgreSQL, with the concurrent calls a client could make. Users are made through
 * the API, which is the shortest honest way to an account with 2FA.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const inTransaction = <T>(work: (db: EntityManager) => Promise<T>): Promise<T> => t.app.get(DataSource).transaction(work);

async function sessionOf(token: string): Promise<AuthenticatedSession> {
  const session = await t.app.get(SessionsService).authenticate(token);
  if (!session) throw new Error('no live session for this token');
  return session;
}

const fulfilled = <T>(results: PromiseSettledResult<T>[]) => results.filter((r): r is PromiseFulfilledResult<T> => r.status === 'fulfilled');
const rejectionCodes = (results: PromiseSettledResult<unknown>[]) =>
  results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason?.extensions?.code ?? String(r.reason));

describe('TotpCredentials.acceptCode', () => {
  it('accepts one code once when ten transactions offer it at the same moment', async () => {
    const user = await newUserWithTwoFactor(t);
    const code = totpCode(user.secret, t.clock);
    const credentials = t.app.get(TotpCredentials);
    const accepted = await Promise.all(Array.from({ length: 10 }, () => inTransaction((db) => credentials.acceptCode(user.userId, code, db))));
    expect(accepted.filter((check) => check === 'accepted')).toHaveLength(1);
    // A replay after the race is refused too.
    expect(await credentials.acceptCode(user.userId, code)).toBe('already-used');
  });
});

describe('RecoveryCodesService.consume', () => {
  it('spends one recovery code once when ten transactions offer it at the same moment', async () => {
    const user = await newUserWithTwoFactor(t);
    const recoveryCodes = t.app.get(RecoveryCodesService);
    const [code] = user.recoveryCodes;
    const results = await Promise.all(Array.from({ length: 10 }, () => inTransaction((db) => recoveryCodes.consume(user.userId, code, db))));
    expect(results.filter((remaining) => remaining !== null)).toEqual([9]);
    expect(await recoveryCodes.countRemaining(user.userId)).toBe(9);
  });
});

describe('TwoFactorSetupService steps', () => {
  it('moves a setup on once when the same step is sent twice at once, and refuses steps out of order', async () => {
    const user = await newUser(t);
    await startSetup(t, user.token);
    const setup = t.app.get(TwoFactorSetupService);
    const session = await sessionOf(user.token);

    const early = await Promise.allSettled([setup.confirmApp(session, '000000'), setup.complete(session, true)]);
    expect(rejectionCodes(early)).toEqual(['FAILED_PRECONDITION', 'FAILED_PRECONDITION']);

    const emailCode = await t.inbox.latestVerificationCode(user.email);
    const verified = await Promise.allSettled([setup.verifyEmail(session, emailCode), setup.verifyEmail(session, emailCode)]);
    expect(fulfilled(verified)).toHaveLength(1);
    const secret = fulfilled(verified)[0].value.manualEntryKey;

    const code = totpCode(secret, t.clock);
    const confirmed = await Promise.allSettled([setup.confirmApp(session, code), setup.confirmApp(session, code)]);
    expect(fulfilled(confirmed)).toHaveLength(1);
    expect(rejectionCodes(confirmed)).toEqual(['FAILED_PRECONDITION']);
    const savedCodes = fulfilled(confirmed)[0].value.codes;

    const completed = await Promise.allSettled([setup.complete(session, true), setup.complete(session, true)]);
    expect(fulfilled(completed)).toHaveLength(1);
    expect(await setup.pendingStep(user.userId)).toBeNull();
    // The recovery codes that count are the ones the winning confirmation showed.
    expect(await inTransaction((db) => t.app.get(RecoveryCodesService).consume(user.userId, savedCodes[0], db))).toBe(9);
  });
});

describe('OrganizationsService: the last OWNER', () => {
  it('keeps one OWNER when two owners demote each other at the same moment', async () => {
    const [first, second] = [await newUser(t), await newUser(t)];
    const organizations = t.app.get(OrganizationsService);
    const { id: organizationId } = await organizations.create(first.userId, { name: 'Two owners' });
    await addMember(t, first.token, organizationId, second.email, OrganizationRole.OWNER);

    const results = await Promise.allSettled([
      organizations.changeMemberRole(first.userId, { organizationId, userId: second.userId, role: OrganizationRole.ADMIN }),
      organizations.changeMemberRole(second.userId, { organizationId, userId: first.userId, role: OrganizationRole.ADMIN }),
    ]);
    expect(fulfilled(results)).toHaveLength(1);
    // The loser is no longer an OWNER when its turn comes: it may not take OWNER away.
    expect(rejectionCodes(results)).toEqual(['FORBIDDEN']);
    const members = await organizations.listMembers(first.userId === fulfilled(results)[0].value.user.id ? second.userId : first.userId, organizationId);
    expect(members.filter((m) => m.role === OrganizationRole.OWNER)).toHaveLength(1);
  });
});
