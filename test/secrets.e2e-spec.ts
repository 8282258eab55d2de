import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { LegacyRecoveryCodesRekeyer } from '../src/recovery-codes/legacy-recovery-codes.rekeyer';
import { normaliseRecoveryCode } from '../src/recovery-codes/utils/recovery-code.util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptInvitation, invitationTokenFor, inviteOrganizationMember } from './support/invitations';
import { changePassword, login, newUser, uniqueEmail } from './support/operations';
import { newOrganization } from './support/organizations';
import { startTestApp, type TestApp } from './support/test-app';
import {
  completeSetup,
  confirmRecoveryCodesReissue,
  confirmSetup,
  enableTwoFactor,
  reissueRecoveryCodes,
  startSetup,
  totpCode,
  verifyLoginSecondFactor,
  verifySetupEmail,
} from './support/two-factor';

let t: TestApp;
/** Every secret the journey below saw, in the forms it could be stored or logged in. */
const secrets = new Set<string>();

function remember(...values: string[]) {
  for (const value of values) {
    secrets.add(value);
    if (/^[0-9a-z]{5}-[0-9a-z]{5}$/.test(value)) secrets.add(value.replace('-', ''));
  }
}

beforeAll(async () => {
  t = await startTestApp();
  // The help page's whole journey, plus every other place a secret is made.
  const user = await newUser(t);
  remember(user.password, user.token);
  await startSetup(t, user.token);
  const emailCode = await t.inbox.latestVerificationCode(user.email);
  remember(emailCode);
  const secret = (await verifySetupEmail(t, user.token, emailCode)).data!.verifyTwoFactorSetupEmail.manualEntryKey;
  remember(secret);
  const setupCodes: string[] = (await confirmSetup(t, user.token, totpCode(secret, t.clock))).data!.confirmTwoFactorSetup.codes;
  remember(...setupCodes);
  const full = (await completeSetup(t, user.token)).data!.completeTwoFactorSetup.accessToken;
  remember(full);
  t.clock.advanceSeconds(30);

  const pending = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
  const remembered = (await verifyLoginSecondFactor(t, pending, { code: totpCode(secret, t.clock), rememberDevice: true })).data!.verifyLoginSecondFactor;
  remember(pending, remembered.accessToken, remembered.trustedDeviceToken);
  const pendingAgain = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
  remember(pendingAgain, (await verifyLoginSecondFactor(t, pendingAgain, { recoveryCode: setupCodes[0] })).data!.verifyLoginSecondFactor.accessToken);

  const reissued: string[] = (await reissueRecoveryCodes(t, full, user.password)).data!.reissueRecoveryCodes.codes;
  remember(...reissued);
  await confirmRecoveryCodesReissue(t, full);
  const newPassword = 'a different long password';
  await changePassword(t, full, { currentPassword: user.password, newPassword });
  remember(newPassword);
  await login(t, { email: user.email, password: 'a wrong password typed' });
  remember('a wrong password typed');

  // Invitation links: one accepted, one left pending.
  const owner = await newUser(t);
  const organizationId = await newOrganization(t, owner.token);
  const invitee = await newUser(t);
  for (const email of [invitee.email, uniqueEmail('pending')]) {
    const before = t.inbox.messages.length;
    await inviteOrganizationMember(t, owner.token, { organizationId, email, role: 'MEMBER' });
    remember(await invitationTokenFor(t, email, before));
  }
  await acceptInvitation(t, invitee.token, [...secrets].find((s) => s.startsWith('inv_'))!);
});

afterAll(async () => {
  await t.close();
});

async function dumpEveryTable(): Promise<string> {
  const db = new Client({ connectionString: t.databaseUrl });
  await db.connect();
  try {
    const { rows: tables } = await db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    let dump = '';
    for (const { tablename } of tables) {
      const { rows } = await db.query(`SELECT row_to_json(t)::text AS row FROM "${tablename}" t`);
      dump += rows.map((r) => `${tablename} ${r.row}`).join('\n') + '\n';
    }
    return dump;
  } finally {
    await db.end();
  }
}

/** A secret found as itself, in any case, or as the hex of its bytes (how bytea columns print). */
function leaks(haystack: string): string[] {
  const lower = haystack.toLowerCase();
  return [...secrets].filter((secret) => lower.includes(secret.toLowerCase()) || lower.includes(Buffer.from(secret).toString('hex')));
}

describe('no secret in plain text', () => {
  it('the journey saw the secrets it is meant to check', () => {
    expect(secrets.size).toBeGreaterThan(30);
  });

  it('is stored in any table', async () => {
    const dump = await dumpEveryTable();
    expect(dump).toContain('totp_credentials');
    expect(dump).toContain('recovery_codes');
    expect(leaks(dump)).toEqual([]);
  });

  it('is written to the logs', () => {
    expect(t.logs.lines.length).toBeGreaterThan(0);
    expect(leaks(t.logs.text())).toEqual([]);
  });
});

describe('recovery codes at rest', () => {
  const sha256 = (code: string) => createHash('sha256').update(normaliseRecoveryCode(code)!).digest();
  const withDatabase = async <T>(work: (db: Client) => Promise<T>): Promise<T> => {
    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      return await work(db);
    } finally {
      await db.end();
    }
  };

  it('are not stored as a plain SHA-256, which a database copy could be searched for', async () => {
    const user = await newUser(t);
    const { recoveryCodes } = await enableTwoFactor(t, user);
    const stored = await withDatabase(async (db) => (await db.query('SELECT code_hash FROM recovery_codes WHERE user_id = $1', [user.userId])).rows);
    expect(stored).toHaveLength(10);
    const plainHashes = recoveryCodes.map(sha256);
    expect(stored.filter((row) => plainHashes.some((hash) => hash.equals(row.code_hash)))).toEqual([]);
  });

  it('stored as SHA-256 before this version keep working, and are re-keyed after the app starts', async () => {
    const user = await newUser(t);
    await enableTwoFactor(t, user);
    const oldCode = 'ab1c0-de2fg';
    await withDatabase((db) =>
      db.query(`INSERT INTO recovery_codes (user_id, code_hash, status, created_at, hash_version) VALUES ($1, $2, 'ACTIVE', now(), 1)`, [user.userId, sha256(oldCode)]),
    );
    t = await t.restart();
    // The job the start-up set off in the background (joined, or run again: it finds nothing left).
    await t.app.get(LegacyRecoveryCodesRekeyer).runOnce();
    const [row] = await withDatabase(async (db) => (await db.query('SELECT code_hash, hash_version FROM recovery_codes WHERE user_id = $1 AND code_hash = $2', [user.userId, sha256(oldCode)])).rows);
    expect(row).toBeUndefined();
    const versions = await withDatabase(async (db) => (await db.query('SELECT DISTINCT hash_version FROM recovery_codes')).rows.map((r) => r.hash_version));
    expect(versions).toEqual([2]);

    const pending = (await login(t, { email: user.email, password: user.password })).data!.login.accessToken;
    expect((await verifyLoginSecondFactor(t, pending, { recoveryCode: oldCode })).errors).toBeUndefined();
  });
});
