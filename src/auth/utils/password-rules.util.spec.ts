import { describe, expect, it } from 'vitest';
import { AppError } from '../../common/app-error';
import { assessPassword } from './password-strength';
import { isBuiltFromOwner, passwordProblem, personalParts, requireAcceptablePassword } from './password-rules.util';

const owner = { email: 'minsu.kim@example.com', name: 'Minsu Kim' };

describe('the breach list', () => {
  it.each(['password123', 'qwertyuiop', '1q2w3e4r5t', 'iloveyou', 'PassWord123'])('finds %s on the shipped list, in any case', async (password) => {
    expect((await assessPassword(password, [])).breached).toBe(true);
  });

  it('does not find a passphrase of unrelated words', async () => {
    expect((await assessPassword('correct horse battery staple', [])).breached).toBe(false);
  });
});

describe('isBuiltFromOwner', () => {
  it('splits the email and the name into the parts an attacker would try, longest first', () => {
    expect(personalParts(owner)).toEqual(['minsukim', 'example', 'minsu', 'kim']);
  });

  it.each(['minsu.kim1987!', 'MinsuKim2024', 'kim-minsu-1234', 'Example.com12345', 'minsu.kim@example.com'])('refuses %s', (password) => {
    expect(isBuiltFromOwner(password, owner)).toBe(true);
  });

  it.each(['correct horse battery staple', 'kim loves purple giraffes', 'totally unrelated words'])('lets %s through: enough of its own', (password) => {
    expect(isBuiltFromOwner(password, owner)).toBe(false);
  });

  it('ignores parts of two letters and the top-level domain', () => {
    expect(isBuiltFromOwner('com1234567', { email: 'al@x.com', name: 'Al' })).toBe(false);
  });
});

describe('passwordProblem', () => {
  it('names the first reason: built from the owner, then breached, then guessable', async () => {
    expect(await passwordProblem('minsukim1234', owner)).toBe('PERSONAL');
    expect(await passwordProblem('password123', owner)).toBe('BREACHED');
    expect(await passwordProblem('Summer2024!', owner)).toBe('GUESSABLE');
    expect(await passwordProblem('aaaaaaaaaaaa', owner)).toBe('GUESSABLE');
    expect(await passwordProblem('Password2024!', owner)).toBe('GUESSABLE');
  });

  it.each(['correct horse battery staple', 'a brand new passphrase', 'another long password', 'a different long password', 'yet another passphrase'])(
    'accepts %s (the passwords the tests sign up and reset with)',
    async (password) => {
      expect(await passwordProblem(password, { email: 'user-abc-1@example.com', name: 'Test User' })).toBeNull();
    },
  );
});

describe('requireAcceptablePassword', () => {
  it('throws BAD_USER_INPUT naming the field, with the reason and a sentence to act on', async () => {
    const thrown = await requireAcceptablePassword('qwertyuiop', owner, 'newPassword').then(() => undefined, (error: unknown) => error);
    expect(thrown).toBeInstanceOf(AppError);
    const { code, fields } = (thrown as AppError).extensions as { code: string; fields: Array<Record<string, string>> };
    expect(code).toBe('BAD_USER_INPUT');
    expect(fields).toEqual([{ field: 'newPassword', reason: 'BREACHED', message: expect.stringContaining('choose another one') }]);
  });

  it('lets a good password through', async () => {
    await expect(requireAcceptablePassword('correct horse battery staple', owner, 'password')).resolves.toBeUndefined();
  });
});
