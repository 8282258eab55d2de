import { AppError } from '../../common/app-error';
import { assessPassword } from './password-strength';

/** Why a new password is refused; clients pick their own sentence by it (`extensions.fields[].reason`). */
export type PasswordProblem = 'BREACHED' | 'GUESSABLE' | 'PERSONAL';

/** What the account knows about its owner that an attacker would try in a password. */
export interface PasswordOwner {
  email: string;
  name?: string | null;
}

/**
 * zxcvbn's score 3 is "safely unguessable: moderate protection from an offline slow-hash scenario"
 * (about 10^8 guesses and more), the level it recommends as a minimum for a password policy.
 */
export const MIN_PASSWORD_SCORE = 3;

/** Parts of the owner's email and name shorter than this are too common to count as "built from" them. */
const MIN_PERSONAL_PART = 3;
/** Letters that may remain besides the email and name parts before a password counts as built from them. */
const MIN_OWN_LETTERS = 4;

export const PASSWORD_PROBLEM_MESSAGES: Record<PasswordProblem, string> = {
  BREACHED: 'is on a list of passwords leaked in data breaches, which attackers try first: choose another one, for example four or more unrelated words',
  GUESSABLE: 'is too easy to guess (common words, names, dates, keyboard patterns or repeats): make it longer and less predictable, for example four or more unrelated words',
  PERSONAL: 'is built from your email address or name, which attackers try first: choose one that has nothing to do with them',
};

/** Lower-cased letters and digits only: how the password and the personal parts are compared. */
function squash(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The email's local part and domain labels (not the top-level domain), the name, and their pieces. */
export function personalParts(owner: PasswordOwner): string[] {
  const [local = '', domain = ''] = owner.email.toLowerCase().split('@');
  const labels = domain.split('.').slice(0, -1);
  const whole = [local, owner.name ?? ''];
  const pieces = [local, ...labels, owner.name ?? ''].flatMap((text) => text.split(/[^\p{L}\p{N}]+/u));
  const parts = [...whole, ...pieces].map(squash).filter((part) => part.length >= MIN_PERSONAL_PART);
  // Longest first, so "kimminsu" goes before "kim" and leaves nothing of itself behind.
  return [...new Set(parts)].sort((a, b) => b.length - a.length);
}

/**
 * True when, taking the email and name parts out of the password, fewer than four letters of its own
 * remain: "minsu.kim1987!" for minsu.kim@example.com, "TestUser2024" for Test User.
 */
export function isBuiltFromOwner(password: string, owner: PasswordOwner): boolean {
  let rest = squash(password);
  const before = rest;
  for (const part of personalParts(owner)) rest = rest.split(part).join('');
  if (rest === before) return false;
  return rest.replace(/\p{N}+/gu, '').length < MIN_OWN_LETTERS;
}

/** The first reason to refuse this new password, or null when it may be used. No network call. */
export async function passwordProblem(password: string, owner: PasswordOwner): Promise<PasswordProblem | null> {
  if (isBuiltFromOwner(password, owner)) return 'PERSONAL';
  const { breached, score } = await assessPassword(password, [owner.email, ...personalParts(owner)]);
  if (breached) return 'BREACHED';
  return score < MIN_PASSWORD_SCORE ? 'GUESSABLE' : null;
}

/**
 * Refuses a new password (sign-up, change, reset) with BAD_USER_INPUT naming the field. Only where a
 * password is set: existing passwords keep working at login.
 */
export async function requireAcceptablePassword(password: string, owner: PasswordOwner, field: 'password' | 'newPassword'): Promise<void> {
  const problem = await passwordProblem(password, owner);
  if (problem) throw AppError.badInput([{ field, message: PASSWORD_PROBLEM_MESSAGES[problem], reason: problem }]);
}
