import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserEntity } from '../src/users/entities/user.entity';
import { UsersRepository } from '../src/users/users.repository';
import { type MediumServices, newMediumServices } from './support/medium';

/** UsersRepository's conditional writes on PostgreSQL: each changes the row only when its condition holds. */
let m: MediumServices;
let users: UsersRepository;
beforeAll(async () => {
  m = await newMediumServices({ providers: [UsersRepository], entities: [UserEntity] });
  users = m.get(UsersRepository);
});
afterAll(async () => {
  await m?.close();
});

const newUserValues = (email: string) => ({
  email,
  name: null,
  passwordHash: 'hash',
  twoFactorEnabledAt: null,
  language: null,
  emailVerifiedAt: null,
  createdAt: m.clock.now(),
});

describe('UsersRepository.insert', () => {
  it('inserts an account with its id, and answers null for an email already taken, writing nothing', async () => {
    const first = await users.insert(newUserValues('taken@example.com'));
    expect(first?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await users.insert({ ...newUserValues('taken@example.com'), name: 'Second' })).toBeNull();
    expect((await users.findByEmail('taken@example.com'))?.id).toBe(first!.id);
    expect((await users.findByEmail('taken@example.com'))?.name).toBeNull();
  });
});

describe('UsersRepository.markEmailVerified', () => {
  it('records the first confirmation only', async () => {
    const user = await m.fixtures.user();
    expect(await users.isEmailVerified(user.id)).toBe(false);
    const first = new Date('2026-01-01T00:00:00.000Z');
    await users.markEmailVerified(user.id, first);
    await users.markEmailVerified(user.id, new Date('2026-02-01T00:00:00.000Z'));
    expect(await users.isEmailVerified(user.id)).toBe(true);
    expect((await users.findById(user.id))?.emailVerifiedAt).toEqual(first);
  });
});

describe('UsersRepository.clearTwoFactorIfEnabled', () => {
  it('is true for the call that turns 2FA off, false when it already was off, and leaves other users alone', async () => {
    const [user, other] = [await m.fixtures.user({ twoFactorEnabledAt: m.clock.now() }), await m.fixtures.user({ twoFactorEnabledAt: m.clock.now() })];
    const results = await Promise.all([1, 2, 3].map(() => m.dataSource.transaction((db) => users.clearTwoFactorIfEnabled(user.id, db))));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await users.findById(user.id))?.twoFactorEnabledAt).toBeNull();
    expect((await users.findById(other.id))?.twoFactorEnabledAt).not.toBeNull();
  });
});
