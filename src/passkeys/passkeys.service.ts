import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { DataSource, EntityManager, QueryFailedError, Repository } from 'typeorm';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { AccountsService } from '../auth/accounts.service';
import type { AuthPayload } from '../auth/models/auth-payload.model';
import { type IssuedSession, SessionsService } from '../auth/sessions.service';
import { deviceName } from '../common/device-name.util';
import { AppError, ErrorCode } from '../common/app-error';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { addMinutes, addSeconds, Clock } from '../common/clock';
import { PasskeyPresence } from '../common/passkey-presence';
import { currentRequestContext } from '../common/request-context';
import type { SecondFactorSpend } from '../common/second-factor-spend';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailKind } from '../mail/mail-templates';
import { MailService } from '../mail/mail.service';
import { deleteBatchBelow } from '../maintenance/expired-data-pruner';
import { TwoFactorRequirementService } from '../organizations/two-factor-requirement.service';
import { type Attempt, ThrottlingService } from '../throttling/throttling.service';
import { UsersService } from '../users/users.service';
import type { FinishPasskeyRegistrationInput } from './dto/passkey.inputs';
import { MAX_PASSKEY_NAME_LENGTH } from './dto/passkey.inputs';
import { PasskeyEntity } from './entities/passkey.entity';
import { type WebAuthnCeremony, WebAuthnChallengeEntity } from './entities/webauthn-challenge.entity';
import type { Passkey } from './models/passkey.model';
import { parseWebAuthnResponse, type WebAuthnResponseJson } from './utils/webauthn-json.util';

export const WEBAUTHN_CHALLENGE_MINUTES = 5;

/** A login answer whose challenge was spent, waiting for its signature check. */
export interface ClaimedPasskeyAnswer {
  userId: string;
  response: WebAuthnResponseJson;
  challenge: string;
}
const CHALLENGE_BYTES = 32;
/** Enough for every key a person owns; also bounds excludeCredentials and allowCredentials. */
export const MAX_PASSKEYS_PER_USER = 20;

/** Passkeys and security keys: registering, listing, naming, removing, and checking one at login. */
@Injectable()
export class PasskeysService {
  constructor(
    @InjectRepository(PasskeyEntity) private readonly passkeys: Repository<PasskeyEntity>,
    @InjectRepository(WebAuthnChallengeEntity) private readonly challenges: Repository<WebAuthnChallengeEntity>,
    private readonly dataSource: DataSource,
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
    passkeyPresence.answerWith((userId) => this.passkeys.existsBy({ userId }));
  }

  /** Creation options for the browser; needs 2FA on and the password again (step-up). */
  async startRegistration(session: AuthenticatedSession, password: string): Promise<string> {
    requireTwoFactorOn(session);
    await this.accounts.requirePassword(session.userId, password);
    const existing = await this.passkeys.find({ where: { userId: session.userId }, select: { credentialId: true, transports: true } });
    if (existing.length >= MAX_PASSKEYS_PER_USER) {
      throw new AppError(ErrorCode.FAILED_PRECONDITION, `You already have ${MAX_PASSKEYS_PER_USER} passkeys. Remove one before adding another.`);
    }
    const challenge = await this.createChallenge(session.userId, 'REGISTRATION', null);
    const options = await generateRegistrationOptions({
      rpName: this.config.totpIssuer,
      rpID: this.config.webauthnRpId,
      userName: session.user.email,
      userDisplayName: session.user.name ?? session.user.email,
      userID: isoBase64URL.toBuffer(isoBase64URL.fromUTF8String(session.userId)),
      challenge: isoBase64URL.toBuffer(challenge),
      timeout: WEBAUTHN_CHALLENGE_MINUTES * 60_000,
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports as AuthenticatorTransport[] })),
      // A resident key, so the passkey can also sign in alone (finishPasskeySignIn); credProps tells
      // whether the authenticator made one.
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      extensions: { credProps: true },
    });
    return JSON.stringify(options);
  }

  async finishRegistration(session: AuthenticatedSession, input: FinishPasskeyRegistrationInput): Promise<Passkey> {
    requireTwoFactorOn(session);
    const name = passkeyName(input.name);
    const { response, challenge } = parseWebAuthnResponse(input.response, 'response');
    if (!(await this.consumeChallenge(challenge, session.userId, 'REGISTRATION', null))) throw passkeyRefused();
    let verified;
    try {
      verified = await verifyRegistrationResponse({
        response: response as unknown as RegistrationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: this.config.publicUrl,
        expectedRPID: this.config.webauthnRpId,
        requireUserVerification: false,
      });
    } catch {
      throw passkeyRefused();
    }
    if (!verified.verified) throw passkeyRefused();
    const { credential, credentialBackedUp } = verified.registrationInfo;
    const discoverable = (response.clientExtensionResults as { credProps?: { rk?: unknown } } | undefined)?.credProps?.rk === true;
    const passkey = this.passkeys.create({
      userId: session.userId,
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey),
      signCount: String(credential.counter),
      transports: credential.transports ?? [],
      backedUp: credentialBackedUp,
      discoverable,
      name,
      createdAt: this.clock.now(),
      lastUsedAt: null,
    });
    try {
      await this.dataSource.transaction(async (db) => {
        // 2FA may have been turned off (and on again) since this request began: a key registered
        // under the old 2FA must not outlive the disable that removed every factor.
        const enabledAt = await this.users.lockTwoFactorState(session.userId, db);
        if (enabledAt?.getTime() !== session.user.twoFactorEnabledAt?.getTime()) {
          throw new AppError(ErrorCode.FAILED_PRECONDITION, '2-step verification was turned off meanwhile: turn it on again, then add the passkey.');
        }
        await db.insert(PasskeyEntity, passkey);
        await this.securityEvents.record({ type: SecurityEventType.PASSKEY_ADDED, userId: session.userId }, db);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError(ErrorCode.INVALID_CODE, 'This passkey is already registered.');
      throw error;
    }
    this.mail.sendNotice(session.user.email, MailKind.PASSKEY_ADDED, { name });
    return passkey;
  }

  list(userId: string): Promise<Passkey[]> {
    return this.passkeys.find({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  count(userId: string): Promise<number> {
    return this.passkeys.countBy({ userId });
  }

  /** Passkeys of each user (the members' 2FA report); users without any are absent. */
  async countByUser(userIds: readonly string[]): Promise<Map<string, number>> {
    if (userIds.length === 0) return new Map();
    const rows: Array<{ user_id: string; passkeys: number }> = await this.passkeys.query(
      'SELECT user_id, count(*)::int AS passkeys FROM passkeys WHERE user_id = ANY ($1::uuid[]) GROUP BY user_id',
      [userIds],
    );
    return new Map(rows.map((row) => [row.user_id, row.passkeys]));
  }

  async rename(userId: string, id: string, newName: string): Promise<Passkey> {
    const name = passkeyName(newName);
    const result = await this.passkeys.update({ id, userId }, { name });
    if (!result.affected) throw AppError.notFound('The passkey');
    return this.passkeys.findOneByOrFail({ id, userId });
  }

  /** Needs the password again. */
  async remove(session: AuthenticatedSession, id: string, password: string): Promise<void> {
    await this.accounts.requirePassword(session.userId, password);
    const rule = await this.requirement.passkeyRequirement(session.userId);
    const removed = await this.dataSource.transaction(async (db) => {
      // Locked: two removals at once cannot both see "another key is left".
      await this.users.lockTwoFactorState(session.userId, db);
      if (rule && (await db.countBy(PasskeyEntity, { userId: session.userId })) <= 1 && (await db.existsBy(PasskeyEntity, { id, userId: session.userId }))) {
        throw new AppError(
          ErrorCode.FAILED_PRECONDITION,
          `${rule.organizations.join(', ')} accepts only passkeys and security keys for your role: add another one before removing your last.`,
        );
      }
      const [rows] = (await db.query(`DELETE FROM passkeys WHERE id = $1 AND user_id = $2 RETURNING name`, [id, session.userId])) as [Array<{ name: string }>, number];
      if (rows.length === 0) return null;
      await this.securityEvents.record({ type: SecurityEventType.PASSKEY_REMOVED, userId: session.userId }, db);
      return rows[0].name;
    });
    if (removed === null) throw AppError.notFound('The passkey');
    this.mail.sendNotice(session.user.email, MailKind.PASSKEY_REMOVED, { name: removed });
  }

  /** Request options for a pending session of a user who has passkeys. */
  async startSecondFactor(session: AuthenticatedSession): Promise<string> {
    if (session.level !== 'PASSWORD') throw new AppError(ErrorCode.FAILED_PRECONDITION, 'This session is already fully signed in.');
    const owned = await this.passkeys.find({ where: { userId: session.userId }, select: { credentialId: true, transports: true } });
    if (owned.length === 0) {
      throw new AppError(ErrorCode.FAILED_PRECONDITION, 'This account has no passkey. Use a code from your authenticator app or a recovery code.');
    }
    const challenge = await this.createChallenge(session.userId, 'AUTHENTICATION', session.sessionId);
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
    if (!(await this.consumeChallenge(challenge, session.userId, 'AUTHENTICATION', session.sessionId))) return null;
    return { userId: session.userId, response, challenge };
  }

  /**
   * The second half: null when the signature, origin, rp id or counter do not check out (the
   * caller counts it like a wrong code), else the write that moves the counter. It is conditional
   * on the counter read here: of two assertions racing with one key, one moves it.
   */
  async checkClaimedAnswer(claimed: ClaimedPasskeyAnswer | null): Promise<SecondFactorSpend | null> {
    if (!claimed) return null;
    const passkey = await this.passkeys.findOneBy({ userId: claimed.userId, credentialId: claimed.response.id });
    if (!passkey) return null;
    return this.verifyAssertion(passkey, claimed.response, claimed.challenge, false);
  }

  /**
   * Options for the one-step sign-in (public): a discoverable credential, user verification
   * required, no allowCredentials (the browser offers the passkeys it holds for this site). The
   * challenge belongs to nobody yet; it is single use and lives 5 minutes.
   */
  async startSignIn(): Promise<string> {
    const challenge = await this.createChallenge(null, 'SIGN_IN', null);
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
    const spent = await this.consumeChallenge(challenge, null, 'SIGN_IN', null);
    const passkey = await this.passkeys.findOneBy({ credentialId: response.id });
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
        issued = await this.sessions.issueOnFactor(user, write, record, rememberDevice);
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
    await db.delete(PasskeyEntity, { userId });
    await db.delete(WebAuthnChallengeEntity, { userId });
  }

  /** For the data-pruning job: challenges past their 5 minutes, a batch at a time. */
  pruneExpired(now: Date, batchSize: number): Promise<number> {
    return deleteBatchBelow(this.dataSource, 'webauthn_challenges', 'expires_at', now, batchSize);
  }

  /**
   * A new challenge voids the earlier one of the same user, ceremony and session (one statement):
   * asking again and again keeps one row, not one per request, and only the newest can be answered.
   */
  private async createChallenge(userId: string | null, ceremony: WebAuthnCeremony, sessionId: string | null): Promise<string> {
    const challenge = isoBase64URL.fromBuffer(randomBytes(CHALLENGE_BYTES));
    await this.challenges.query(
      `WITH replaced AS (
         DELETE FROM webauthn_challenges WHERE user_id = $2 AND ceremony = $3 AND session_id IS NOT DISTINCT FROM $4::uuid
       )
       INSERT INTO webauthn_challenges (challenge, user_id, ceremony, session_id, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [challenge, userId, ceremony, sessionId, addMinutes(this.clock.now(), WEBAUTHN_CHALLENGE_MINUTES)],
    );
    return challenge;
  }

  /**
   * Spends a challenge: one DELETE … RETURNING, so of concurrent answers (on any instance) exactly
   * one gets it, and only for the user, ceremony and session it was issued to, within its 5 minutes.
   */
  private async consumeChallenge(challenge: string, userId: string | null, ceremony: WebAuthnCeremony, sessionId: string | null): Promise<boolean> {
    const [rows] = (await this.challenges.query(
      `DELETE FROM webauthn_challenges
        WHERE challenge = $1 AND user_id IS NOT DISTINCT FROM $2::uuid AND ceremony = $3 AND session_id IS NOT DISTINCT FROM $4 AND expires_at > $5
      RETURNING challenge`,
      [challenge, userId, ceremony, sessionId, this.clock.now()],
    )) as [unknown[], number];
    return rows.length === 1;
  }
}

function requireTwoFactorOn(session: AuthenticatedSession): void {
  if (!session.user.twoFactorEnabledAt) {
    throw new AppError(ErrorCode.FAILED_PRECONDITION, 'Turn on 2-step verification with an authenticator app before adding a passkey.');
  }
}

function passkeyName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0 || name.length > MAX_PASSKEY_NAME_LENGTH) {
    throw AppError.badInput([{ field: 'name', message: `must be 1 to ${MAX_PASSKEY_NAME_LENGTH} characters` }]);
  }
  return name;
}

/** The assertion's userHandle is the user id the passkey was registered with (registration's userID). */
function userHandleNames(response: WebAuthnResponseJson, userId: string): boolean {
  const handle = (response.response as { userHandle?: unknown }).userHandle;
  return typeof handle === 'string' && handle === isoBase64URL.fromUTF8String(userId);
}

function signInRefused(): AppError {
  return new AppError(ErrorCode.INVALID_CREDENTIALS, 'This passkey could not sign you in. Try again, or sign in with your email and password.');
}

function passkeyRefused(): AppError {
  return new AppError(
    ErrorCode.INVALID_CODE,
    'The passkey answer was not accepted: it was for another or an expired request, or from another site. Start again.',
  );
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}

/** A passkey's use as it moves the stored counter: the answer verified against `storedCount`. */
export interface PasskeyUse {
  passkeyId: string;
  storedCount: number;
  newCounter: number;
  backedUp: boolean;
  usedAt: Date;
}

/** Moves the counter only if it is still the one the answer was verified against: of two uses of one answer, one changes the row. */
export function spendPasskeyCounter(use: PasskeyUse): SecondFactorSpend {
  return (statement, when) =>
    statement.with(
      'passkey_used',
      `UPDATE passkeys SET sign_count = ${statement.value(String(use.newCounter))}, last_used_at = ${statement.value(use.usedAt)}, backed_up = ${statement.value(use.backedUp)}
        WHERE id = ${statement.value(use.passkeyId)} AND sign_count = ${statement.value(String(use.storedCount))} AND ${when.sql}
       RETURNING 1`,
    );
}
