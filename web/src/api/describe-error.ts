import type { Dictionary } from '../i18n/en';
import { ApiError, type FieldProblem } from './client';
import { PasskeyCeremonyError } from './webauthn';

/** Organizations one account may own (the server's MAX_OWNED_ORGANIZATIONS). */
const MAX_OWNED_ORGANIZATIONS = 5;
/** Webhooks one organization may have (the server's MAX_WEBHOOKS_PER_ORGANIZATION). */
const MAX_WEBHOOKS_PER_ORGANIZATION = 10;

/**
 * Turns an API error into a sentence a person can act on, in the console's language. The code
 * decides; the operation refines the sentence where one code means different things (a CONFLICT at
 * sign-up is a taken email, at setup an enabled 2FA). The server's English message is never shown,
 * so a Korean screen stays Korean.
 */
export function describeError(error: unknown, t: Dictionary): string {
  if (error instanceof PasskeyCeremonyError) return describeCeremonyFailure(error, t);
  if (!(error instanceof ApiError)) return t.errors.NETWORK;
  const e = t.errors;
  const { operation, extensions } = error;
  const specific = describePasskeyError(error, t) ?? describeInvitationError(error, t) ?? describeWebhookError(error, t);
  if (specific) return specific;
  switch (error.code) {
    case 'TOO_MANY_ATTEMPTS':
      return e.TOO_MANY_ATTEMPTS(Math.max(1, Math.ceil((extensions.retryAfterSeconds ?? 60) / 60)));
    case 'INVALID_CODE': {
      if (operation === 'ResetPassword') return t.recovery.linkInvalid;
      const left = extensions.attemptsRemaining;
      if (left === undefined) return e.INVALID_CODE;
      if (left > 0) return e.invalidCodeTriesLeft(left);
      return operation.startsWith('VerifyLoginSecondFactor') ? e.loginEndedAfterWrongCodes : e.invalidEmailCodeUsedUp;
    }
    case 'BAD_USER_INPUT':
      return describeFields(extensions.fields ?? [], t);
    case 'CODE_EXPIRED':
      if (operation === 'ResetPassword') return t.recovery.linkExpired;
      if (operation === 'ConfirmAuthenticatorReplacement') return t.move.expired;
      return operation === 'VerifyTwoFactorSetupEmail' ? e.CODE_EXPIRED : e.setupExpired;
    case 'CONFLICT':
      if (operation === 'SignUp') return e.emailTaken;
      if (operation === 'AddOrganizationMember') return e.alreadyMember;
      if (operation.includes('TwoFactorSetup')) return e.alreadyEnabled;
      return e.CONFLICT;
    case 'NOT_FOUND':
      if (operation === 'RevokeSession') return t.sessions.alreadyEnded;
      if (operation === 'ResetMemberTwoFactor') return t.memberReset.notMember;
      return operation === 'AddOrganizationMember' ? e.noSuchAccount : e.NOT_FOUND;
    case 'FAILED_PRECONDITION':
      if (operation === 'CreateOrganization') return t.organizations.tooManyOwned(MAX_OWNED_ORGANIZATIONS);
      if (operation === 'UpdateOrganizationSecuritySettings') {
        // The two refusals: no 2FA of one's own, or (with 2FA on) no passkey for a passkeys-only rule.
        return extensions.missing === 'PASSKEY' ? t.organizations.needsOwnPasskey : e.settingsNeedOwnTwoFactor;
      }
      if (operation === 'UpdateOrganizationMemberRole' || operation === 'RemoveOrganizationMember') return e.lastOwner;
      // The panel asks only callers with 2FA on, so what is left is a member whose 2FA is already off.
      if (operation === 'ResetMemberTwoFactor') return t.memberReset.nothingToReset;
      if (operation === 'ConfirmRecoveryCodesReissue') return e.nothingToConfirm;
      if (operation === 'ReissueRecoveryCodes' || operation === 'DisableTwoFactor') return e.twoFactorNotOn;
      return e.FAILED_PRECONDITION;
    case 'INVALID_CREDENTIALS':
      return operation === 'Login' ? e.INVALID_CREDENTIALS : e.wrongPassword;
    case 'INTERNAL_SERVER_ERROR':
      return e.INTERNAL_SERVER_ERROR(extensions.requestId ?? '—');
    case 'FORBIDDEN':
      return operation === 'ResetMemberTwoFactor' ? t.memberReset.forbidden : e.FORBIDDEN;
    case 'UNAUTHENTICATED':
    case 'SECOND_FACTOR_REQUIRED':
    case 'TWO_FACTOR_SETUP_REQUIRED':
    case 'SERVICE_UNAVAILABLE':
    case 'NETWORK':
      return e[error.code];
  }
}

function describeCeremonyFailure(error: PasskeyCeremonyError, t: Dictionary): string {
  const p = t.passkeys;
  switch (error.failure) {
    case 'cancelled':
      return p.cancelled;
    case 'alreadyRegistered':
      return p.alreadyRegistered;
    case 'unsupported':
      return p.unsupported;
    case 'failed':
      return p.ceremonyFailed;
  }
}

/** The passkey operations' own sentences; null where the general one fits. */
function describePasskeyError(error: ApiError, t: Dictionary): string | null {
  const p = t.passkeys;
  const { operation, code, extensions } = error;
  const left = extensions.attemptsRemaining;
  if (operation === 'VerifyLoginSecondFactorWithPasskey' && code === 'INVALID_CODE' && left !== undefined && left > 0) return p.loginRefused(left);
  if (operation === 'FinishPasskeyRegistration' && code === 'INVALID_CODE') return p.refused;
  if (operation === 'FinishPasskeySignIn' && code === 'INVALID_CREDENTIALS') return t.signIn.passkeyRefused;
  if (operation === 'StartPasskeyRegistration' && code === 'FAILED_PRECONDITION') return p.tooMany;
  if (operation === 'StartPasskeySecondFactor' && code === 'FAILED_PRECONDITION') return p.noPasskey;
  if ((operation === 'FinishPasskeyRegistration' || operation === 'RenamePasskey') && code === 'BAD_USER_INPUT' && extensions.fields?.some((f) => f.field === 'name')) {
    return p.nameProblem;
  }
  return null;
}

/** The invitation operations' own sentences; null where the general one fits. */
function describeInvitationError(error: ApiError, t: Dictionary): string | null {
  const i = t.invitations;
  const { operation, code, extensions } = error;
  const answering = operation === 'AcceptOrganizationInvitation' || operation === 'DeclineOrganizationInvitation';
  // Wrong account, used, revoked, replaced: the server says the same NOT_FOUND, and so do we.
  if (answering && code === 'NOT_FOUND') return i.notValid;
  if (operation === 'AcceptOrganizationInvitation' && code === 'CODE_EXPIRED') return i.expired;
  if (operation === 'AcceptOrganizationInvitation' && code === 'CONFLICT') return i.alreadyJoined;
  if (operation === 'InviteOrganizationMember' && code === 'CONFLICT') return t.errors.alreadyMember;
  if ((operation === 'InviteOrganizationMember' || operation === 'RevokeOrganizationInvitation') && code === 'FORBIDDEN') return i.forbidden;
  // Three limits answer alike (the inviter's day, the organization's hour, one address's hour); the wait may be hours.
  if (operation === 'InviteOrganizationMember' && code === 'TOO_MANY_ATTEMPTS') return i.tooMany(describeWait(extensions.retryAfterSeconds ?? 60, t));
  if (operation === 'RevokeOrganizationInvitation' && (code === 'NOT_FOUND' || code === 'FAILED_PRECONDITION')) return i.alreadyClosed;
  return null;
}

/** The webhook and export operations' own sentences; null where the general one fits. */
function describeWebhookError(error: ApiError, t: Dictionary): string | null {
  const { operation, code } = error;
  const changing = operation === 'CreateOrganizationWebhook' || operation === 'DeleteOrganizationWebhook';
  if (changing && code === 'FORBIDDEN') return t.webhooks.forbidden;
  if (operation === 'CreateOrganizationWebhook' && code === 'FAILED_PRECONDITION') return t.webhooks.tooMany(MAX_WEBHOOKS_PER_ORGANIZATION);
  if ((operation === 'DownloadMembersReport' || operation === 'ExportSecurityEvents') && code === 'FORBIDDEN') return t.exports.forbidden;
  return null;
}

/** A wait in whole minutes, rounded up; past 90 minutes, in whole hours, rounded up. */
function describeWait(seconds: number, t: Dictionary): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes > 90 ? t.errors.waitHours(Math.ceil(minutes / 60)) : t.errors.waitMinutes(minutes);
}

function describeFields(fields: FieldProblem[], t: Dictionary): string {
  const known = t.errors.fields;
  const lines = [...new Set(fields.map((f) => f.field))].map((field) => {
    const entry = known[field as keyof typeof known] ?? known.other;
    const reason = fields.find((f) => f.field === field && f.reason)?.reason;
    const passwordProblem = reason ? t.errors.passwordProblems[reason as keyof typeof t.errors.passwordProblems] : undefined;
    return t.errors.badField(entry.name, passwordProblem ?? entry.problem);
  });
  return lines.length > 0 ? `${t.errors.BAD_USER_INPUT} ${lines.join(' ')}` : t.errors.BAD_USER_INPUT;
}
