import { Algorithm, hash, verify } from '@node-rs/argon2';

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane (about 10 ms here). */
export const ARGON2_OPTIONS = {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies against a hash of a random password, so that an unknown email costs the same time as a
 * wrong password and the answer does not reveal which accounts exist.
 */
export async function spendPasswordCheckTime(password: string): Promise<false> {
  dummyHash ??= hashPassword(`unused-${Math.random()}-${Date.now()}`);
  await verifyPassword(await dummyHash, password);
  return false;
}
