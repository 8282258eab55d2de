import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import type { SecondFactorSpend } from '../common/second-factor-spend';
import { spendTotpStep, TotpCredentialsRepository } from './totp-credentials.repository';
import { TwoFactorCrypto } from './two-factor-crypto';
import { matchTotpStep } from './utils/totp.util';

/**
 * How a code compared: `already-used` is the right code for a step that was accepted before (a
 * resubmit, or the same code sent twice at once): not a guess, so it does not count as a wrong code.
 */
export type CodeCheck = 'accepted' | 'wrong' | 'already-used';

/**
 * The accept-once rule of an app code: checkCode matches the code against the secret and hands
 * back the piece that spends its step (spendTotpStep); the credential's statements are
 * TotpCredentialsRepository's.
 */
@Injectable()
export class TotpCredentials {
  constructor(
    private readonly credentials: TotpCredentialsRepository,
    private readonly crypto: TwoFactorCrypto,
    private readonly clock: Clock,
  ) {}

  /**
   * Checks a code against the secret: null when it is wrong, else the write that accepts it once.
   * The write moves last_used_step to the code's step only if it is below it, so two requests with
   * the same code — on one server or many — cannot both pass; when it changes nothing, the code
   * was right but its step already used (`already-used`).
   */
  async checkCode(userId: string, code: string, db?: EntityManager): Promise<SecondFactorSpend | null> {
    const credential = await this.credentials.findOf(userId, db);
    if (!credential) return null;
    const secret = this.crypto.decrypt(credential.encryptedSecret, userId);
    const step = matchTotpStep(secret, code, Math.floor(this.clock.now().getTime() / 1000));
    if (step === null) return null;
    // Re-encrypt with the current key on use, so a key rotation completes as users sign in.
    const reencrypted = this.crypto.isStale(credential.encryptedSecret) ? this.crypto.encrypt(secret, userId) : null;
    return spendTotpStep(userId, step, reencrypted);
  }

  /** Accepts a code once, as a statement of its own (in `db`'s transaction, if any). */
  async acceptCode(userId: string, code: string, db?: EntityManager): Promise<CodeCheck> {
    const write = await this.checkCode(userId, code, db);
    if (!write) return 'wrong';
    return (await this.credentials.runAlone(write, db)) === 1 ? 'accepted' : 'already-used';
  }
}
