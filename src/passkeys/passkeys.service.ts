import { Inject, Injectable } from '@nestjs/common';
import { type AuthenticationResponseJSON, type AuthenticatorTransport, generateAuthenticationOptions, verifyAuthenticationResponse } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { EntityManager } from 'typeorm';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { AccountsService } from '../auth/accounts.service';
import type { AuthPayload } from '../auth/models/auth-payload.model';
import { type IssuedSession, SessionsService } from '../auth/sessions.service';
import { deviceName } from '../common/device-name.util';
import { AppError, ErrorCode } from '../common/app-error';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { addSeconds, Clock } from '../common/clock';
import { PasskeyPresence } from '../common/passkey-presence';
import { currentRequestContext } from '../common/request-context';
import type { SecondFactorSpend } from '../common/second-factor-spend';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import { MailKind } from '../mail/mail-templates';
import { MailService } from '../mail/mail.service';
import { TwoFactorRequirementService } from '../organizations/two-factor-requirement.service';
import { type Attempt, ThrottlingService } from '../throttling/throttling.service';
import { UsersService } from '../users/users.service';
import type { PasskeyEntity } from './entities/passkey.entity';
import type { Passkey } from './models/passkey.model';
import { PasskeyChallenges, WEBAUTHN_CHALLENGE_MINUTES } from './passkey-challenges';
import { PasskeysRepository, spendPasskeyCounter } from './passkeys.repository';
import { passkeyName } from './utils/passkey-name.util';
import { parseWebAuthnResponse, type WebAuthnResponseJson } from './utils/webauthn-json.util';

/** A login answer whose challenge was spent, waiting for its signature check. */
export interface ClaimedPasskeyAnswer {
  userId: string;
  response: WebAuthnResponseJson;
  challenge: string;
}

/** Passkeys and security keys (PasskeyRegistrationService adds them): listing, naming, removing, and checking one at login. */
@Injectable()
export class PasskeysService {
  constructor(
    private readonly passkeys: PasskeysRepository,
    private readonly challenges: PasskeyChallenges,
    private readonly transactions: Transactions,
    private readonly accounts: AccountsService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly throttling: ThrottlingService,
    private readonly securityEvents: SecurityEventsService,
    private readonly mail: MailService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly requirement: TwoFactorRequirementService,
    passkeyPresence: PasskeyPresence,
  ) {
    passkeyPresence.answerWith((userId) => this.passkeys.existsFor(userId));
  }

  list(userId: string): Promise<Passkey[]> {
    return this.passkeys.listOf(userId);
  }

  count(userId: string): Promise<number> {
    return this.passkeys.countOf(userId);
  }

  /** Passkeys of each user (the members' 2FA report); users without any are absent. */
  async countByUser(userIds: readonly string[]): Promise<Map<string, number>> {
    if (userIds.length === 0) return new Map();
    return this.passkeys.countByUser(userIds);
  }

  async rename(userId: string, id: string, newName: string): Promise<Passkey> {
    const name = passkeyName(newName);
    if (!(await this.passkeys.rename(id, userId, name))) throw AppError.notFound('The passkey');
    return this.passkeys.getOwned(id, userId);
  }

  /** Needs the password again. */
  async remove(session: AuthenticatedSession, id: string, password: string): Promise<void> {
    await this.accounts.requirePassword(session.userId, password);
    const rule = await this.requirement.passkeyRequirement(session.userId);
    const removed = await this.transactions.run(async (db) => {
      // Locked: two removals at once cannot both see "another key is left".
      await this.users.lockTwoFactorState(session.userId, db);
      if (rule && (await this.passkeys.countOf(session.userId, db)) <= 1 && (await this.passkeys.isOwnedBy(id, session.userId, db))) {
        throw new AppError(
          ErrorCode.FAILED_PRECONDITION,
          `${rule.organizations.join(', ')} accepts only passkeys and security keys for your role: add another one before removing your last.`,
        );
      }
      const name = await this.passkeys.deleteOwned(id, session.userId, db);
      if (name === null) return null;
      await this.securityEvents.record({ type: SecurityEventType.PASSKEY_REMOVED, userId: session.userId }, db);
      return name;
    });
    if (removed === null) throw AppError.notFound('The passkey');
    this.mail.sendNotice(session.user.email, MailKind.PASSKEY_REMOVED, { name: removed });
  }

  /** Request options for a pending session of a user who has passkeys. */
  async startSecondFactor(session: AuthenticatedSession): Promise<string> {
    if (session.level !== 'PASSWORD') throw new AppError(ErrorCode.FAILED_PRECONDITION, 'This session is already fully signed in.');
    const owned = await this.passkeys.descriptorsOf(session.userId);
    if (owned.length === 0) {
      throw new AppError(ErrorCode.FAILED_PRECONDITION, 'This account has no passkey. Use a code from your authenticator app or a recovery code.');
    }
    const challenge = await this.challenges.issue({ userId: session.userId, ceremony: 'AUTHENTICATION', sessionId: session.sessionId });
    const options = await generateAuthenticationOptions({
      rpID: this.config.webauthnRpId,
      challenge: isoBase64URL.toBuffer(challenge),
      timeout: WEBAUTHN_CHALLENGE_MINUTES * 60_000,
      allowCredentials: owned.map((p) => ({ id: p.credentialId, transports: p.transports as AuthenticatorTransport[] })),
      userVerification: 'preferred',
    });
    return JSON.stringify(options);
  }

  /**
   * The first half of the passkey answer at login: parses it (malformed JSON is BAD_USER_INPUT) and
   * spends this session's challenge, before and outside the transaction that checks it, so a wrong
   * answer cannot give the challenge back. Null when the challenge is not this session's or is gone.
   */
  async claimLoginAnswer(session: { userId: string; sessionId: string }, responseText: string): Promise<ClaimedPasskeyAnswer | null> {
    const { response, challenge } = parseWebAuthnResponse(responseText, 'passkeyResponse');
    if (!(await this.challenges.spend(challenge, { userId: session.userId, ceremony: 'AUTHENTICATION', sessionId: session.sessionId }))) return null;
    return { userId: session.userId, response, challenge };
  }

  /**
   * The second half: null when the signature, origin, rp id or counter do not check out (the
   * caller counts it like a wrong code), else the write that moves the counter. It is conditional
   * on the counter read here: of two assertions racing with one key, one moves it.
   */
  async checkClaimedAnswer(claimed: ClaimedPasskeyAnswer | null): Promise<SecondFactorSpend | null> {
    if (!claimed) return null;
    const passkey = await this.passkeys.findOwnedByCredential(claimed.userId, claimed.response.id);
    if (!passkey) return null;
    return this.verifyAssertion(passkey, claimed.response, claimed.challenge, false);
  }

  /**
   * Options for the one-step sign-in (public): a discoverable credential, user verification
   * required, no allowCredentials (the browser offers the passkeys it holds for this site). The
   * challenge belongs to nobody yet; it is single use and lives 5 minutes.
   */
  async startSignIn(): Promise<string> {
    const challenge = await this.challenges.issue({ userId: null, ceremony: 'SIGN_IN', sessionId: null });
    const options = await generateAuthenticationOptions({
      rpID: this.config.webauthnRpId,
      challenge: isoBase64URL.toBuffer(challenge),
      timeout: WEBAUTHN_CHALLENGE_MINUTES * 60_000,
      allowCredentials: [],
      userVerification: 'required',
    });
    return JSON.stringify(options);
  }

  /**
   * The one-step sign-in: a passkey verified with user verification is both factors. The sign-in
   * challenge is spent first (once, whatever follows), the credential found by its id and checked
   * against the user handle, then the signature, origin, rp id, user verification and counter. The
   * counter's conditional write and the FULL session are one statement (SessionsService.issueOnFactor),
   * so of concurrent copies of one answer exactly one signs in. Every refusal is the same
   * INVALID_CREDENTIALS; one that names a real account counts against its second-factor lockout.
   */
  async finishSignIn(responseText: string, rememberDevice: boolean): Promise<AuthPayload> {
    const { response, challenge } = parseWebAuthnResponse(responseText, 'response');
    const spent = await this.challenges.spend(challenge, { userId: null, ceremony: 'SIGN_IN', sessionId: null });
    const passkey = await this.passkeys.findByCredential(response.id);
    if (!passkey || !userHandleNames(response, passkey.userId)) {
      await this.securityEvents.record({ type: SecurityEventType.PASSKEY_SIGN_IN_FAILED, userId: null });
      throw signInRefused();
    }
    const attempt = await this.throttling.secondFactorAttempt(passkey.userId);
    let issued: IssuedSession | null = null;
    try {
      const user = await this.users.findById(passkey.userId);
      const write = spent && user?.twoFactorEnabledAt ? await this.verifyAssertion(passkey, response, challenge, true) : null;
      if (user && write) {
        const record = [SecurityEventType.PASSKEY_SIGN_IN_SUCCEEDED, ...(rememberDevice ? [SecurityEventType.TRUSTED_DEVICE_ADDED] : [])];
        issued = await this.sessions.issueOnFactor(user, write, record, rememberDevice, attempt.successPiece());
      }
    } catch (error) {
      await attempt.release();
      throw error;
    }
    if (!issued) {
      await this.securityEvents.record({ type: SecurityEventType.PASSKEY_SIGN_IN_FAILED, userId: passkey.userId });
      await this.endFailedSignIn(passkey.userId, attempt);
      throw signInRefused();
    }
    await attempt.end(true);
    if (rememberDevice) {
      this.mail.sendNotice(issued.user.email, MailKind.NEW_TRUSTED_DEVICE, { device: deviceName(currentRequestContext()?.userAgent ?? null) ?? 'An unnamed browser' });
    }
    return this.sessions.payloadFor(issued);
  }

  /** A failed sign-in that uses the account's last try locks its second factor and tells the owner. */
  private async endFailedSignIn(userId: string, attempt: Attempt): Promise<void> {
    const { lockedNow, lockedForSeconds } = await attempt.end(false);
    if (!lockedNow) return;
    await this.securityEvents.record({ type: SecurityEventType.ACCOUNT_LOCKED, userId });
    const user = await this.users.findById(userId);
    if (user) this.mail.sendNotice(user.email, MailKind.ACCOUNT_LOCKED, { until: addSeconds(this.clock.now(), lockedForSeconds).toUTCString() }, user.language);
  }

  /** The signature, origin, rp id, counter (and user verification when asked): null when any fails, else the counter's conditional write. */
  private async verifyAssertion(passkey: PasskeyEntity, response: WebAuthnResponseJson, challenge: string, requireUserVerification: boolean): Promise<SecondFactorSpend | null> {
    const storedCount = Number(passkey.signCount);
    let verified;
    try {
      // The library refuses a counter that does not rise when either side is non-zero (a cloned key).
      verified = await verifyAuthenticationResponse({
        response: response as unknown as AuthenticationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: this.config.publicUrl,
        expectedRPID: this.config.webauthnRpId,
        credential: { id: passkey.credentialId, publicKey: new Uint8Array(passkey.publicKey), counter: storedCount },
        requireUserVerification,
      });
    } catch {
      return null;
    }
    if (!verified.verified) return null;
    const { newCounter, credentialBackedUp } = verified.authenticationInfo;
    return spendPasskeyCounter({ passkeyId: passkey.id, storedCount, newCounter, backedUp: credentialBackedUp, usedAt: this.clock.now() });
  }

  /** Disabling 2FA (or an admin reset) takes the passkeys with it. */
  async deleteAll(userId: string, db: EntityManager): Promise<void> {
    await this.passkeys.deleteAllOf(userId, db);
    await this.challenges.discardAllOf(userId, db);
  }
}

/** The assertion's userHandle is the user id the passkey was registered with (registration's userID). */
function userHandleNames(response: WebAuthnResponseJson, userId: string): boolean {
  const handle = (response.response as { userHandle?: unknown }).userHandle;
  return typeof handle === 'string' && handle === isoBase64URL.fromUTF8String(userId);
}

function signInRefused(): AppError {
  return new AppError(ErrorCode.INVALID_CREDENTIALS, 'This passkey could not sign you in. Try again, or sign in with your email and password.');
}
