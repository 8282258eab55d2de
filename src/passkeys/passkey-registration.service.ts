import { Inject, Injectable } from '@nestjs/common';
import { type AuthenticatorTransport, generateRegistrationOptions, type RegistrationResponseJSON, verifyRegistrationResponse } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { QueryFailedError } from 'typeorm';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { AccountsService } from '../auth/accounts.service';
import { AppError, ErrorCode } from '../common/app-error';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import { MailKind } from '../mail/mail-templates';
import { MailService } from '../mail/mail.service';
import { UsersService } from '../users/users.service';
import type { FinishPasskeyRegistrationInput } from './dto/passkey.inputs';
import type { Passkey } from './models/passkey.model';
import { PasskeyChallenges, WEBAUTHN_CHALLENGE_MINUTES } from './passkey-challenges';
import { PasskeysRepository } from './passkeys.repository';
import { passkeyName } from './utils/passkey-name.util';
import { parseWebAuthnResponse } from './utils/webauthn-json.util';

/** Enough for every key a person owns; also bounds excludeCredentials and allowCredentials. */
export const MAX_PASSKEYS_PER_USER = 20;

/** Adding a passkey or security key: creation options for the browser, then its answer checked and saved. */
@Injectable()
export class PasskeyRegistrationService {
  constructor(
    private readonly passkeys: PasskeysRepository,
    private readonly challenges: PasskeyChallenges,
    private readonly transactions: Transactions,
    private readonly accounts: AccountsService,
    private readonly users: UsersService,
    private readonly securityEvents: SecurityEventsService,
    private readonly mail: MailService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Creation options for the browser; needs 2FA on and the password again (step-up). */
  async startRegistration(session: AuthenticatedSession, password: string): Promise<string> {
    requireTwoFactorOn(session);
    await this.accounts.requirePassword(session.userId, password);
    const existing = await this.passkeys.descriptorsOf(session.userId);
    if (existing.length >= MAX_PASSKEYS_PER_USER) {
      throw new AppError(ErrorCode.FAILED_PRECONDITION, `You already have ${MAX_PASSKEYS_PER_USER} passkeys. Remove one before adding another.`);
    }
    const challenge = await this.challenges.issue({ userId: session.userId, ceremony: 'REGISTRATION', sessionId: null });
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
    if (!(await this.challenges.spend(challenge, { userId: session.userId, ceremony: 'REGISTRATION', sessionId: null }))) throw passkeyRefused();
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
    const values = {
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
    };
    let passkey: Passkey;
    try {
      passkey = await this.transactions.run(async (db) => {
        // 2FA may have been turned off (and on again) since this request began: a key registered
        // under the old 2FA must not outlive the disable that removed every factor.
        const enabledAt = await this.users.lockTwoFactorState(session.userId, db);
        if (enabledAt?.getTime() !== session.user.twoFactorEnabledAt?.getTime()) {
          throw new AppError(ErrorCode.FAILED_PRECONDITION, '2-step verification was turned off meanwhile: turn it on again, then add the passkey.');
        }
        const added = await this.passkeys.add(values, db);
        await this.securityEvents.record({ type: SecurityEventType.PASSKEY_ADDED, userId: session.userId }, db);
        return added;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError(ErrorCode.INVALID_CODE, 'This passkey is already registered.');
      throw error;
    }
    this.mail.sendNotice(session.user.email, MailKind.PASSKEY_ADDED, { name });
    return passkey;
  }
}

function requireTwoFactorOn(session: AuthenticatedSession): void {
  if (!session.user.twoFactorEnabledAt) {
    throw new AppError(ErrorCode.FAILED_PRECONDITION, 'Turn on 2-step verification with an authenticator app before adding a passkey.');
  }
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
