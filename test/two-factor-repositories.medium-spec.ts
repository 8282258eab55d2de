import type { EntityManager } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMinutes } from '../src/common/clock';
import { TotpCredentialEntity } from '../src/two-factor/entities/totp-credential.entity';
import { TwoFactorSetupEntity } from '../src/two-factor/entities/two-factor-setup.entity';
import { TwoFactorSetupStep } from '../src/two-factor/models/two-factor.models';
import { TotpCredentialsRepository } from '../src/two-factor/totp-credentials.repository';
import { TwoFactorSetupsRepository } from '../src/two-factor/two-factor-setups.repository';
import { UserEntity } from '../src/users/entities/user.entity';
import { type MediumServices, newMediumServices } from './support/medium';

/** The two-factor module's conditional statements on PostgreSQL: each moves a row on once, and only its own user's. */
let m: MediumServices;
let setups: TwoFactorSetupsRepository;
let credentials: TotpCredentialsRepository;
beforeAll(async () => {
  m = await newMediumServices({
    providers: [TwoFactorSetupsRepository, TotpCredentialsRepository],
    entities: [UserEntity, TwoFactorSetupEntity, TotpCredentialEntity],
  });
  setups = m.get(TwoFactorSetupsRepository);
  credentials = m.get(TotpCredentialsRepository);
});
afterAll(async () => {
  await m?.close();
});

const inTransaction = <T>(work: (db: EntityManager) => Promise<T>): Promise<T> => m.dataSource.transaction(work);

function newSetup(userId: string, codeHash: Buffer = Buffer.from('code-hash')): TwoFactorSetupEntity {
  const now = m.clock.now();
  return {
    userId,
    step: TwoFactorSetupStep.EMAIL_VERIFICATION,
    email: 'someone@example.com',
    emailCodeHash: codeHash,
    emailCodeSentAt: now,
    emailCodeExpiresAt: addMinutes(now, 10),
    emailCodeFailures: 0,
    encryptedSecret: null,
    confirmedStep: null,
    startedAt: now,
    expiresAt: addMinutes(now, 30),
  };
}

/** A user with a setup started now, waiting at EMAIL_VERIFICATION. */
async function userWithSetup(codeHash?: Buffer): Promise<string> {
  const user = await m.fixtures.user();
  expect(await inTransaction((db) => setups.startOver(newSetup(user.id, codeHash), new Date(0), db))).toBe(true);
  return user.id;
}

describe('TwoFactorSetupsRepository.startOver', () => {
  it('writes over an earlier setup only when its code was sent before the cutoff', async () => {
    const userId = await userWithSetup();
    const sentAt = m.clock.now();
    m.clock.advanceSeconds(30);
    const again = newSetup(userId, Buffer.from('second'));
    expect(await inTransaction((db) => setups.startOver(again, new Date(sentAt.getTime() - 1), db))).toBe(false);
    expect((await setups.findOf(userId))!.emailCodeHash).toEqual(Buffer.from('code-hash'));
    expect(await inTransaction((db) => setups.startOver(again, sentAt, db))).toBe(true);
    expect((await setups.findOf(userId))!.emailCodeHash).toEqual(Buffer.from('second'));
  });
});

describe('TwoFactorSetupsRepository.takeEmailCodeTry', () => {
  it('gives out exactly the tries left when many are asked for at once, then none', async () => {
    const userId = await userWithSetup();
    const tries = await Promise.all(Array.from({ length: 8 }, () => setups.takeEmailCodeTry(userId, m.clock.now(), 5)));
    expect(tries.filter(Boolean).map((t) => t!.failures).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(await setups.takeEmailCodeTry(userId, m.clock.now(), 5)).toBeNull();
  });

  it('gives none for an expired code, nor for a voided one, and voids only the code it names', async () => {
    const userId = await userWithSetup(Buffer.from('current'));
    expect(await setups.takeEmailCodeTry(userId, addMinutes(m.clock.now(), 11), 5)).toBeNull();
    await setups.voidEmailCode(userId, Buffer.from('an older code'));
    expect(await setups.takeEmailCodeTry(userId, m.clock.now(), 5)).toMatchObject({ codeHash: Buffer.from('current'), failures: 1 });
    await setups.voidEmailCode(userId, Buffer.from('current'));
    expect(await setups.takeEmailCodeTry(userId, m.clock.now(), 5)).toBeNull();
  });
});

describe('TwoFactorSetupsRepository steps', () => {
  it('moves a setup through its steps once each, and never another user’s', async () => {
    const [userId, otherId] = [await userWithSetup(Buffer.from('mine')), await userWithSetup(Buffer.from('mine'))];
    expect(await setups.advanceToAuthenticatorApp(userId, Buffer.from('wrong'), 'secret')).toBe(false);
    expect(await setups.advanceToAuthenticatorApp(userId, Buffer.from('mine'), 'secret')).toBe(true);
    expect(await setups.advanceToAuthenticatorApp(userId, Buffer.from('mine'), 'secret')).toBe(false);

    expect(await inTransaction((db) => setups.advanceToRecoveryCodes(userId, '42', db))).toBe(true);
    expect(await inTransaction((db) => setups.advanceToRecoveryCodes(userId, '43', db))).toBe(false);

    const finished = await Promise.all([1, 2].map(() => inTransaction((db) => setups.takeFinished(userId, m.clock.now(), db))));
    expect(finished.filter(Boolean)).toEqual([{ encryptedSecret: 'secret', confirmedStep: '42' }]);
    expect(await setups.findOf(userId)).toBeNull();
    expect((await setups.findOf(otherId))!.step).toBe(TwoFactorSetupStep.EMAIL_VERIFICATION);
  });

  it('does not finish a setup past its expiry', async () => {
    const userId = await userWithSetup(Buffer.from('mine'));
    await setups.advanceToAuthenticatorApp(userId, Buffer.from('mine'), 'secret');
    await inTransaction((db) => setups.advanceToRecoveryCodes(userId, '42', db));
    expect(await inTransaction((db) => setups.takeFinished(userId, addMinutes(m.clock.now(), 30), db))).toBeNull();
    expect(await setups.findOf(userId)).not.toBeNull();
  });
});

describe('TotpCredentialsRepository', () => {
  it('inserts a credential once: a second completed setup finds one already there', async () => {
    const user = await m.fixtures.user();
    const insert = () => inTransaction((db) => credentials.insertIfAbsent(user.id, 'secret', '7', m.clock.now(), db));
    expect((await Promise.all([insert(), insert()])).sort()).toEqual([false, true]);
  });

  it('completes a replacement only with the secret that was checked, once, and leaves another user’s credential alone', async () => {
    const [user, other] = [await m.fixtures.user(), await m.fixtures.user()];
    for (const { id } of [user, other]) await inTransaction((db) => credentials.insertIfAbsent(id, 'old secret', '1', m.clock.now(), db));
    await credentials.offerReplacement(user.id, 'first new secret', addMinutes(m.clock.now(), 30));
    // A newer start replaces the secret a confirmation checked: that confirmation changes nothing.
    await credentials.offerReplacement(user.id, 'second new secret', addMinutes(m.clock.now(), 30));
    expect(await credentials.completeReplacement(user.id, 'first new secret', '9')).toBe(false);
    expect(await credentials.findPendingReplacement(user.id)).toMatchObject({ encryptedSecret: 'second new secret' });

    const completions = await Promise.all([1, 2].map(() => credentials.completeReplacement(user.id, 'second new secret', '9')));
    expect(completions.sort()).toEqual([false, true]);
    expect(await credentials.findPendingReplacement(user.id)).toBeNull();
    expect(await m.dataSource.manager.findOneByOrFail(TotpCredentialEntity, { userId: user.id })).toMatchObject({ encryptedSecret: 'second new secret', lastUsedStep: '9' });
    expect(await m.dataSource.manager.findOneByOrFail(TotpCredentialEntity, { userId: other.id })).toMatchObject({
      encryptedSecret: 'old secret',
      lastUsedStep: '1',
      replacementEncryptedSecret: null,
    });
  });
});
