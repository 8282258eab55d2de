import { AccountsAndSessions1764259200000 } from './1764259200000-accounts-and-sessions';
import { Organizations1764259300000 } from './1764259300000-organizations';
import { TwoFactor1764259400000 } from './1764259400000-two-factor';
import { RateLimits1764259500000 } from './1764259500000-rate-limits';
import { SecurityEventActor1764259600000 } from './1764259600000-security-event-actor';
import { UserLanguage1764259700000 } from './1764259700000-user-language';
import { ExpiryIndexes1764262000000 } from './1764262000000-expiry-indexes';
import { RecoveryCodeHashVersion1764263000000 } from './1764263000000-recovery-code-hash-version';

/** In the order they run; a new migration is added at the end. */
export const MIGRATIONS = [
  AccountsAndSessions1764259200000,
  Organizations1764259300000,
  TwoFactor1764259400000,
  RateLimits1764259500000,
  SecurityEventActor1764259600000,
  UserLanguage1764259700000,
  ExpiryIndexes1764262000000,
  RecoveryCodeHashVersion1764263000000,
];
