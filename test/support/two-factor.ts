import { totpCodeAt } from '../../src/two-factor/utils/totp.util';
import type { FakeClock } from './fake-clock';
import { AUTH_FIELDS, newUser, rememberSession, type SignedIn } from './operations';
import type { TestApp } from './test-app';

/** Operation helpers for two-step verification, and the phone's side of it. */

export const STATUS_FIELDS = 'enabled enabledAt recoveryCodesRemaining setupStep requiredByOrganization setupRequiredBy';
export const ENROLLMENT_FIELDS = 'otpauthUri qrCodeDataUrl manualEntryKey issuer accountName algorithm digits period';

export const twoFactorStatus = (t: TestApp, token?: string) => t.gql(`{ twoFactorStatus { ${STATUS_FIELDS} } }`, {}, token);

export const startSetup = (t: TestApp, token?: string) =>
  t.gql('mutation { startTwoFactorSetup { step email expiresAt } }', {}, token);

export const verifySetupEmail = (t: TestApp, token: string | undefined, code: string) =>
  t.gql(`mutation($code: String!) { verifyTwoFactorSetupEmail(code: $code) { ${ENROLLMENT_FIELDS} } }`, { code }, token);

export const confirmSetup = (t: TestApp, token: string | undefined, code: string) =>
  t.gql('mutation($code: String!) { confirmTwoFactorSetup(code: $code) { codes generatedAt } }', { code }, token);

export const completeSetup = (t: TestApp, token: string | undefined, recoveryCodesSaved = true) =>
  t.gql(`mutation($saved: Boolean!) { completeTwoFactorSetup(recoveryCodesSaved: $saved) { ${AUTH_FIELDS} } }`, { saved: recoveryCodesSaved }, token);

export const cancelSetup = (t: TestApp, token?: string) => t.gql('mutation { cancelTwoFactorSetup }', {}, token);

export const verifyLoginSecondFactor = (t: TestApp, token: string | undefined, input: Record<string, unknown>, headers?: Record<string, string>) =>
  t.gql(`mutation($input: VerifyLoginSecondFactorInput!) { verifyLoginSecondFactor(input: $input) { ${AUTH_FIELDS} } }`, { input }, token, headers);

export const reissueRecoveryCodes = (t: TestApp, token: string | undefined, password: string) =>
  t.gql('mutation($password: String!) { reissueRecoveryCodes(password: $password) { codes generatedAt } }', { password }, token);

export const confirmRecoveryCodesReissue = (t: TestApp, token: string | undefined, recoveryCodesSaved = true) =>
  t.gql(`mutation($saved: Boolean!) { confirmRecoveryCodesReissue(recoveryCodesSaved: $saved) { ${STATUS_FIELDS} } }`, { saved: recoveryCodesSaved }, token);

export const disableTwoFactor = (t: TestApp, token: string | undefined, input: Record<string, unknown>) =>
  t.gql(`mutation($input: DisableTwoFactorInput!) { disableTwoFactor(input: $input) { ${STATUS_FIELDS} } }`, { input }, token);

export const trustedDevices = (t: TestApp, token?: string) =>
  t.gql('{ trustedDevices { id name createdAt lastUsedAt expiresAt } }', {}, token);

export const revokeTrustedDevice = (t: TestApp, token: string | undefined, id: string) =>
  t.gql('mutation($id: ID!) { revokeTrustedDevice(id: $id) }', { id }, token);

/** A 6-digit code that is not this one (nor a neighbour a window could accept). */
export function wrongCode(code: string): string {
  return String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
}

/** Signs a new user up and turns 2FA on through the API; the session is the new full one. */
export async function newUserWithTwoFactor(t: TestApp): Promise<SignedIn & EnabledTwoFactor> {
  const user = await newUser(t);
  const enabled = await enableTwoFactor(t, user);
  return { ...user, ...enabled, token: enabled.token };
}

/** The code the user's authenticator app shows at the fake clock's time. */
export function totpCode(secret: string, clock: FakeClock): string {
  return totpCodeAt(secret, clock.epochSeconds());
}

export interface EnabledTwoFactor {
  secret: string;
  recoveryCodes: string[];
  /** The new FULL session: completing setup replaces the old token. */
  token: string;
}

/**
 * Runs the whole setup through the API, reading the email code from the delivered mail. Moves the
 * clock one TOTP step on at the end, so the test's next code is not a replay of the confirming one.
 */
export async function enableTwoFactor(t: TestApp, user: SignedIn): Promise<EnabledTwoFactor> {
  const started = await startSetup(t, user.token);
  if (started.errors) throw new Error(`startTwoFactorSetup: ${JSON.stringify(started.errors)}`);
  const emailCode = await t.inbox.latestVerificationCode(user.email);
  const enrollment = await verifySetupEmail(t, user.token, emailCode);
  if (enrollment.errors) throw new Error(`verifyTwoFactorSetupEmail: ${JSON.stringify(enrollment.errors)}`);
  const secret = enrollment.data!.verifyTwoFactorSetupEmail.manualEntryKey as string;
  const confirmed = await confirmSetup(t, user.token, totpCode(secret, t.clock));
  if (confirmed.errors) throw new Error(`confirmTwoFactorSetup: ${JSON.stringify(confirmed.errors)}`);
  const completed = await completeSetup(t, user.token);
  if (completed.errors) throw new Error(`completeTwoFactorSetup: ${JSON.stringify(completed.errors)}`);
  t.clock.advanceSeconds(30);
  const token = completed.data!.completeTwoFactorSetup.accessToken as string;
  rememberSession(user.email, token);
  return { secret, recoveryCodes: confirmed.data!.confirmTwoFactorSetup.codes, token };
}

/**
 * Confirms the account's email the way a user does without finishing setup: the emailed code of
 * 2FA setup is entered, then the setup is cancelled. Returns with 2FA still off.
 */
export async function confirmEmail(t: TestApp, user: SignedIn): Promise<void> {
  const after = t.inbox.messages.length;
  const started = await startSetup(t, user.token);
  if (started.errors) throw new Error(`startTwoFactorSetup: ${JSON.stringify(started.errors)}`);
  await t.inbox.waitFor(user.email, /verification code|인증번호/, after);
  const verified = await verifySetupEmail(t, user.token, await t.inbox.latestVerificationCode(user.email));
  if (verified.errors) throw new Error(`verifyTwoFactorSetupEmail: ${JSON.stringify(verified.errors)}`);
  await cancelSetup(t, user.token);
}
