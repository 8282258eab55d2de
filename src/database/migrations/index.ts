import { AccountsAndSessions1764259200000 } from './1764259200000-accounts-and-sessions';

/** In the order they run; a new migration is added at the end. */
export const MIGRATIONS = [AccountsAndSessions1764259200000];
