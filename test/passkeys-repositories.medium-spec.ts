import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMinutes } from '../src/common/clock';
import { PasskeyEntity } from '../src/passkeys/entities/passkey.entity';
import { WebAuthnChallengeEntity } from '../src/passkeys/entities/webauthn-challenge.entity';
import { PasskeysRepository } from '../src/passkeys/passkeys.repository';
import { type ChallengeOwner, WebAuthnChallengesRepository } from '../src/passkeys/webauthn-challenges.repository';
import { UserEntity } from '../src/users/entities/user.entity';
import { type MediumServices, newMediumServices } from './support/medium';

/** passkeys and webauthn_challenges on PostgreSQL: a challenge is spent once, by its owner; a key is changed only by its owner. */
let m: MediumServices;
let passkeys: PasskeysRepository;
let challenges: WebAuthnChallengesRepository;
beforeAll(async () => {
  m = await newMediumServices({
    providers: [PasskeysRepository, WebAuthnChallengesRepository],
    entities: [UserEntity, PasskeyEntity, WebAuthnChallengeEntity],
  });
  passkeys = m.get(PasskeysRepository);
  challenges = m.get(WebAuthnChallengesRepository);
});
afterAll(async () => {
  await m?.close();
});

const newChallenge = () => randomBytes(16).toString('base64url');
const inFiveMinutes = () => addMinutes(m.clock.now(), 5);

function passkeyOf(userId: string, name = 'Laptop') {
  return passkeys.add({
    userId,
    credentialId: newChallenge(),
    publicKey: Buffer.from('key'),
    signCount: '0',
    transports: [],
    backedUp: false,
    discoverable: true,
    name,
    createdAt: m.clock.now(),
    lastUsedAt: null,
  });
}

describe('WebAuthnChallengesRepository', () => {
  it('spends a challenge once when two answers come at once, only for its owner and within its time', async () => {
    const user = await m.fixtures.user();
    const owner: ChallengeOwner = { userId: user.id, ceremony: 'REGISTRATION', sessionId: null };
    const challenge = newChallenge();
    await challenges.replace(challenge, owner, inFiveMinutes());
    expect(await challenges.spend(challenge, { ...owner, ceremony: 'AUTHENTICATION' }, m.clock.now())).toBe(false);
    expect(await challenges.spend(challenge, { ...owner, userId: (await m.fixtures.user()).id }, m.clock.now())).toBe(false);
    expect(await challenges.spend(challenge, owner, inFiveMinutes())).toBe(false);
    expect((await Promise.all([1, 2].map(() => challenges.spend(challenge, owner, m.clock.now())))).sort()).toEqual([false, true]);
  });

  it('voids the earlier challenge of the same owner only: another session’s and a sign-in’s stay', async () => {
    const user = await m.fixtures.user();
    const [sessionA, sessionB] = [randomUUID(), randomUUID()];
    const ownerA: ChallengeOwner = { userId: user.id, ceremony: 'AUTHENTICATION', sessionId: sessionA };
    const ownerB: ChallengeOwner = { ...ownerA, sessionId: sessionB };
    const signIn: ChallengeOwner = { userId: null, ceremony: 'SIGN_IN', sessionId: null };
    const [earlierA, laterA, ofB, signInFirst, signInSecond] = Array.from({ length: 5 }, newChallenge);
    await challenges.replace(earlierA, ownerA, inFiveMinutes());
    await challenges.replace(ofB, ownerB, inFiveMinutes());
    await challenges.replace(laterA, ownerA, inFiveMinutes());
    // Sign-in challenges belong to nobody: they cannot replace each other.
    await challenges.replace(signInFirst, signIn, inFiveMinutes());
    await challenges.replace(signInSecond, signIn, inFiveMinutes());
    expect(await challenges.spend(earlierA, ownerA, m.clock.now())).toBe(false);
    expect(await challenges.spend(laterA, ownerA, m.clock.now())).toBe(true);
    expect(await challenges.spend(ofB, ownerB, m.clock.now())).toBe(true);
    expect(await challenges.spend(signInFirst, signIn, m.clock.now())).toBe(true);
    expect(await challenges.spend(signInSecond, signIn, m.clock.now())).toBe(true);
  });
});

describe('PasskeysRepository', () => {
  it('renames and deletes only the owner’s passkey, and deletes it once', async () => {
    const [user, other] = [await m.fixtures.user(), await m.fixtures.user()];
    const key = await passkeyOf(user.id, 'Phone');
    expect(key.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await passkeys.rename(key.id, other.id, 'Stolen')).toBe(false);
    expect(await passkeys.deleteOwned(key.id, other.id)).toBeNull();
    expect(await passkeys.rename(key.id, user.id, 'Work phone')).toBe(true);
    expect((await Promise.all([1, 2].map(() => passkeys.deleteOwned(key.id, user.id)))).sort()).toEqual(['Work phone', null]);
    expect(await passkeys.existsFor(user.id)).toBe(false);
  });

  it('counts each user’s passkeys, absent users absent', async () => {
    const [user, other, none] = [await m.fixtures.user(), await m.fixtures.user(), await m.fixtures.user()];
    await passkeyOf(user.id);
    await passkeyOf(user.id);
    await passkeyOf(other.id);
    expect(await passkeys.countByUser([user.id, other.id, none.id])).toEqual(
      new Map([
        [user.id, 2],
        [other.id, 1],
      ]),
    );
    await passkeys.deleteAllOf(user.id);
    expect([await passkeys.countOf(user.id), await passkeys.countOf(other.id)]).toEqual([0, 1]);
  });
});
