import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { TrustedDevicesService } from '../auth/trusted-devices.service';
import type { SecondFactorSpend } from '../common/second-factor-spend';
import { type ClaimedPasskeyAnswer, PasskeysService } from '../passkeys/passkeys.service';
import { RecoveryCodesService } from '../recovery-codes/recovery-codes.service';
import { codeAlreadyUsed, WrongSecondFactor } from './second-factor-tries';
import { TotpCredentials } from './totp-credentials';
import { TotpCredentialsRepository } from './totp-credentials.repository';
import type { TypedSecondFactor } from './utils/second-factor-input.util';

/** A second factor as the user gave it at login: a typed code or a passkey's answer. */
export type LoginSecondFactor = TypedSecondFactor | { kind: 'passkey'; claimed: ClaimedPasskeyAnswer | null };

/** What an account signs in with beyond its password: checking or spending one of its factors, and removing them all. */
@Injectable()
export class AccountFactors {
  constructor(
    private readonly totpCredentials: TotpCredentials,
    private readonly totpCredentialRows: TotpCredentialsRepository,
    private readonly recoveryCodes: RecoveryCodesService,
    private readonly passkeys: PasskeysService,
    private readonly trustedDevices: TrustedDevicesService,
    private readonly securityEvents: SecurityEventsService,
  ) {}

  /**
   * Checks the factor outside any transaction: null when it is wrong, else the conditional write
   * that spends it once, for a statement that does more (SessionsService.completeSecondStep).
   */
  check(userId: string, factor: LoginSecondFactor): Promise<SecondFactorSpend | null> {
    if (factor.kind === 'passkey') return this.passkeys.checkClaimedAnswer(factor.claimed);
    if (factor.kind === 'totp') return this.totpCredentials.checkCode(userId, factor.code);
    return Promise.resolve(this.recoveryCodes.checkCode(userId, factor.code));
  }

  /**
   * Uses the code once in the caller's transaction: WrongSecondFactor when it is wrong (a counted
   * try, see SecondFactorTries), INVALID_CODE when it is the right app code already used (a
   * resubmit, not a guess). Returns the recovery codes left when one was used.
   */
  async spend(userId: string, factor: TypedSecondFactor, db: EntityManager): Promise<number | null> {
    if (factor.kind === 'totp') {
      const check = await this.totpCredentials.acceptCode(userId, factor.code, db);
      if (check === 'wrong') throw new WrongSecondFactor();
      if (check === 'already-used') throw codeAlreadyUsed();
      return null;
    }
    const remaining = await this.recoveryCodes.consume(userId, factor.code, db);
    if (remaining === null) throw new WrongSecondFactor();
    await this.securityEvents.record({ type: SecurityEventType.RECOVERY_CODE_USED, userId }, db);
    return remaining;
  }

  /**
   * Removes the app's secret, the recovery codes, the passkeys and the trusted devices, in the
   * caller's transaction. Call after switching 2FA off there: that UPDATE locks the user's row, so
   * a passkey being registered meanwhile waits, then sees 2FA off (PasskeysService.finishRegistration),
   * and cannot survive the deletes.
   */
  async removeAll(userId: string, db: EntityManager): Promise<void> {
    await this.totpCredentialRows.deleteOf(userId, db);
    await this.recoveryCodes.deleteAll(userId, db);
    await this.passkeys.deleteAll(userId, db);
    await this.trustedDevices.revokeAll(userId, db);
  }
}
