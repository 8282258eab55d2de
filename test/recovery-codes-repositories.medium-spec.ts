import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_CONFIG } from '../src/config/app-config';
import { RecoveryCodeEntity, RecoveryCodeStatus } from '../src/recovery-codes/entities/recovery-code.entity';
import { RecoveryCodesRepository } from '../src/recovery-codes/recovery-codes.repository';
import { RecoveryCodesService } from '../src/recovery-codes/recovery-codes.service';
import { legacyRecoveryCodeHash, RecoveryCodeHashVersion } from '../src/recovery-codes/utils/recovery-code.util';
import { UserEntity } from '../src/users/entities/user.entity';
import { type MediumServices, newMediumServices } from './support/medium';

/** recovery_codes on PostgreSQL: sets replace each other whole, a code and a warning are used once, re-keying leaves rows changed meanwhile alone. */
let m: MediumServices;
let rows: RecoveryCodesRepository;
let service: RecoveryCodesService;
beforeAll(async () => {
  m = await newMediumServices({
    providers: [
      RecoveryCodesRepository,
      RecoveryCodesService,
      { provide: APP_CONFIG, useValue: { encryptionKey: randomBytes(32).toString('base64'), previousEncryptionKeys: [] } },
    ],
    entities: [UserEntity, RecoveryCodeEntity],
  });
  rows = m.get(RecoveryCodesRepository);
  service = m.get(RecoveryCodesService);
});
afterAll(async () => {
  await m?.close();
});

const inTransaction = <T>(work: (db: EntityManager) => Promise<T>): Promise<T> => m.dataSource.transaction(work);
const statusesOf = async (userId: string) =>
  (await m.dataSource.manager.findBy(RecoveryCodeEntity, { userId })).map((row) => row.status).sort();

/** A user with an active set of ten codes, returned in plain. */
async function userWithCodes(): Promise<{ userId: string; codes: string[] }> {
  const user = await m.fixtures.user();
  const { codes } = await service.createPendingSet(user.id);
  expect(await inTransaction((db) => service.activatePendingSet(user.id, db))).toBe(true);
  return { userId: user.id, codes };
}

describe('RecoveryCodesRepository sets', () => {
  it('replaces a pending set whole, activates it in place of the active one, and leaves another user’s set alone', async () => {
    const [mine, theirs] = [await userWithCodes(), await userWithCodes()];
    await service.createPendingSet(mine.userId);
    const { codes: newest } = await service.createPendingSet(mine.userId);
    expect(await statusesOf(mine.userId)).toEqual([...Array(10).fill('ACTIVE'), ...Array(10).fill('PENDING')]);

    expect(await inTransaction((db) => service.activatePendingSet(mine.userId, db))).toBe(true);
    expect(await inTransaction((db) => service.activatePendingSet(mine.userId, db))).toBe(false);
    expect(await statusesOf(mine.userId)).toEqual(Array(10).fill('ACTIVE'));
    expect(await service.consume(mine.userId, mine.codes[0])).toBeNull();
    expect(await service.consume(mine.userId, newest[0])).toBe(9);
    expect(await service.countRemaining(theirs.userId)).toBe(10);
  });
});

describe('RecoveryCodesRepository.applyUse', () => {
  it('uses a code once when it is offered twice at once, and not for another user', async () => {
    const [mine, theirs] = [await userWithCodes(), await userWithCodes()];
    const results = await Promise.all([1, 2].map(() => inTransaction((db) => service.consume(mine.userId, mine.codes[3], db))));
    expect(results.sort()).toEqual([9, null]);
    expect(await service.consume(theirs.userId, mine.codes[4])).toBeNull();
    expect(await rows.countUnusedByUser([mine.userId, theirs.userId, (await m.fixtures.user()).id])).toEqual(
      new Map([
        [mine.userId, 9],
        [theirs.userId, 10],
      ]),
    );
  });
});

describe('RecoveryCodesRepository.markLowWarningSent', () => {
  it('is true for one of two callers per set, and again for a new set', async () => {
    const [mine, theirs] = [await userWithCodes(), await userWithCodes()];
    const claims = await Promise.all([1, 2].map(() => inTransaction((db) => rows.markLowWarningSent(mine.userId, m.clock.now(), db))));
    expect(claims.sort()).toEqual([false, true]);
    expect(await rows.markLowWarningSent(mine.userId, m.clock.now())).toBe(false);
    expect(await rows.markLowWarningSent(theirs.userId, m.clock.now())).toBe(true);

    await service.createPendingSet(mine.userId);
    await inTransaction((db) => service.activatePendingSet(mine.userId, db));
    expect(await rows.markLowWarningSent(mine.userId, m.clock.now())).toBe(true);
  });
});

describe('RecoveryCodesRepository re-keying', () => {
  it('walks legacy rows by id, and re-keys only those unchanged since they were read', async () => {
    const user = await m.fixtures.user();
    await m.dataSource.manager.insert(
      RecoveryCodeEntity,
      ['one', 'two', 'three'].map((code) => ({
        userId: user.id,
        codeHash: legacyRecoveryCodeHash(code),
        hashVersion: RecoveryCodeHashVersion.LEGACY_SHA256,
        status: RecoveryCodeStatus.ACTIVE,
        createdAt: m.clock.now(),
        usedAt: null,
      })),
    );
    const first = await rows.legacyBatchAfter('00000000-0000-0000-0000-000000000000', 2);
    const rest = await rows.legacyBatchAfter(first[1].id, 2);
    expect([first.length, rest.length]).toEqual([2, 1]);
    expect(new Set([...first, ...rest].map((row) => row.id)).size).toBe(3);

    const [changed, rekeyedElsewhere, untouched] = [...first, ...rest];
    await m.dataSource.manager.update(RecoveryCodeEntity, { id: changed.id }, { codeHash: legacyRecoveryCodeHash('another') });
    await m.dataSource.manager.update(RecoveryCodeEntity, { id: rekeyedElsewhere.id }, { hashVersion: RecoveryCodeHashVersion.KEYED });
    const keyedHash = Buffer.from('keyed');
    expect(await rows.rekeyLegacy([changed, rekeyedElsewhere, untouched].map((row) => ({ ...row, keyedHash })))).toBe(1);
    const after = await m.dataSource.manager.findOneByOrFail(RecoveryCodeEntity, { id: untouched.id });
    expect(after).toMatchObject({ codeHash: keyedHash, hashVersion: RecoveryCodeHashVersion.KEYED });
    expect(await rows.legacyBatchAfter('00000000-0000-0000-0000-000000000000', 10)).toEqual([
      { id: changed.id, userId: user.id, codeHash: legacyRecoveryCodeHash('another') },
    ]);
  });
});
