import { describe, expect, it } from 'vitest';
import { hashPassword, spendPasswordCheckTime, verifyPassword } from './password-hasher';

describe('password hasher', () => {
  it('stores an argon2id hash with the chosen cost, never the password', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored).not.toContain('correct horse battery');
  });

  it('accepts the right password and refuses a wrong or garbled one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(await verifyPassword(stored, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(stored, 'correct horse batterY')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'correct horse battery')).toBe(false);
  });

  it('spends a real verification for unknown accounts and always refuses', async () => {
    await expect(spendPasswordCheckTime('anything at all')).resolves.toBe(false);
  });
});

describe('password hasher under load', () => {
  it('answers every one of many concurrent verifications correctly', async () => {
    const stored = await hashPassword('correct horse battery');
    const attempts = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? 'correct horse battery' : `wrong ${i}`));
    const answers = await Promise.all(attempts.map((password) => verifyPassword(stored, password)));
    expect(answers).toEqual(attempts.map((password) => password === 'correct horse battery'));
  });
});
