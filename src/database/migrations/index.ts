import { AccountsAndSessions1764259200000 } from './1764259200000-accounts-and-sessions';
import { Organizations1764259300000 } from './1764259300000-organizations';
import { TwoFactor1764259400000 } from './1764259400000-two-factor';
import { RateLimits1764259500000 } from './1764259500000-rate-limits';
import { SecurityEventActor1764259600000 } from './1764259600000-security-event-actor';
import { RecoveryCodeHashVersion1764261000000 } from './1764261000000-recovery-code-hash-version';

/** In the order they run; a new migration is added at the end. */
export const MIGRATIONS = [
  AccountsAndSessions1764259200000,
  Organizations1764259300000,
  TwoFactor1764259400000,
  RateLimits1764259500000,
  SecurityEventActor1764259600000,
  RecoveryCodeHashVersion1764261000000,
];
