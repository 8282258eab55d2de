import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The passwords attackers try first: the ~49,000 most common passwords of published breach corpora,
 * as shipped in @zxcvbn-ts/language-common (ranked by how often they occur). It is in the server's
 * own node_modules, so checking a password sends nothing anywhere.
 */
let breached: ReadonlySet<string> | null = null;

function breachedPasswords(): ReadonlySet<string> {
  breached ??= new Set((dictionary['passwords-common'] as string[]).map((entry) => entry.toLowerCase()));
  return breached;
}

/** True when the password, in any case, is on the shipped list of breached and common passwords. */
export function isBreachedPassword(password: string): boolean {
  return breachedPasswords().has(password.normalize('NFKC').toLowerCase());
}
