import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { ko } from '../i18n/ko';
import { ApiError, type ErrorCode } from './client';
import { describeError } from './describe-error';
import { type CeremonyFailure, PasskeyCeremonyError } from './webauthn';

/** Every code the server can answer with, as the contract lists them plus the two server-side ones. */
const EVERY_CODE: ErrorCode[] = [
  'UNAUTHENTICATED',
  'SECOND_FACTOR_REQUIRED',
  'TWO_FACTOR_SETUP_REQUIRED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'INVALID_CREDENTIALS',
  'INVALID_CODE',
  'CODE_EXPIRED',
  'TOO_MANY_ATTEMPTS',
  'CONFLICT',
  'NOT_FOUND',
  'FAILED_PRECONDITION',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
  'NETWORK',
];
const HANGUL = /[\uac00-\ud7a3]/;

describe('describeError', () => {
  it.each(EVERY_CODE)('gives %s a sentence in each language, never the server message', (code) => {
    const error = new ApiError(code, 'SERVER MESSAGE {"raw":true}', 'SomeOperation', { retryAfterSeconds: 60, requestId: 'req-1' });
    const english = describeError(error, en);
    const korean = describeError(error, ko);
    expect(english).not.toContain('SERVER MESSAGE');
    expect(english).toMatch(/\.$/);
    expect(english).not.toMatch(HANGUL);
    expect(korean).toMatch(HANGUL);
    expect(korean).not.toBe(english);
  });

  it('turns retryAfterSeconds into whole minutes to wait', () => {
    const wait = (seconds: number) => describeError(new ApiError('TOO_MANY_ATTEMPTS', '', 'Login', { retryAfterSeconds: seconds }), en);
    expect(wait(900)).toBe('Too many attempts. Try again in 15 minutes.');
    expect(wait(61)).toBe('Too many attempts. Try again in 2 minutes.');
    expect(wait(5)).toBe('Too many attempts. Try again in 1 minute.');
    expect(describeError(new ApiError('TOO_MANY_ATTEMPTS', '', 'Login', { retryAfterSeconds: 3600 }), ko)).toBe('시도 횟수가 너무 많습니다. 60분 후에 다시 시도하세요.');
  });

  it('says how many tries are left, and what to do when none are', () => {
    const wrong = (operation: string, attemptsRemaining?: number) => describeError(new ApiError('INVALID_CODE', '', operation, { attemptsRemaining }), en);
    expect(wrong('VerifyLoginSecondFactor', 1)).toBe('That code is not right. 1 try left.');
    expect(wrong('VerifyTwoFactorSetupEmail', 3)).toBe('That code is not right. 3 tries left.');
    expect(wrong('VerifyLoginSecondFactor', 0)).toBe(en.errors.loginEndedAfterWrongCodes);
    expect(wrong('VerifyTwoFactorSetupEmail', 0)).toBe(en.errors.invalidEmailCodeUsedUp);
    expect(wrong('ConfirmTwoFactorSetup')).toBe(en.errors.INVALID_CODE);
  });

  it('names the fields that failed validation in the reader\'s language', () => {
    const error = new ApiError('BAD_USER_INPUT', '', 'SignUp', { fields: [{ field: 'password', message: 'must be 10 to 128 characters' }] });
    expect(describeError(error, en)).toBe(`${en.errors.BAD_USER_INPUT} Password: use 10 to 128 characters.`);
    expect(describeError(error, ko)).toBe(`${ko.errors.BAD_USER_INPUT} 비밀번호: 10~128자로 입력하세요.`);
  });

  it('reads one code by the operation that got it', () => {
    expect(describeError(new ApiError('CONFLICT', '', 'SignUp'), en)).toBe(en.errors.emailTaken);
    expect(describeError(new ApiError('FAILED_PRECONDITION', '', 'UpdateOrganizationSecuritySettings'), en)).toBe(en.errors.settingsNeedOwnTwoFactor);
    expect(describeError(new ApiError('INVALID_CREDENTIALS', '', 'ReissueRecoveryCodes'), en)).toBe(en.errors.wrongPassword);
    expect(describeError(new TypeError('Failed to fetch'), ko)).toBe(ko.errors.NETWORK);
  });

  it('reads a reset link\'s INVALID_CODE and CODE_EXPIRED as a used and an expired link, not as a wrong code', () => {
    expect(describeError(new ApiError('INVALID_CODE', '', 'ResetPassword'), en)).toBe(en.recovery.linkInvalid);
    expect(describeError(new ApiError('CODE_EXPIRED', '', 'ResetPassword'), ko)).toBe(ko.recovery.linkExpired);
    expect(describeError(new ApiError('INVALID_CODE', '', 'ResetMemberTwoFactor'), en)).toBe(en.errors.INVALID_CODE);
    expect(describeError(new ApiError('FORBIDDEN', '', 'ResetMemberTwoFactor'), en)).toBe(en.memberReset.forbidden);
    expect(describeError(new ApiError('NOT_FOUND', '', 'RevokeSession'), en)).toBe(en.sessions.alreadyEnded);
    expect(describeError(new ApiError('UNAUTHENTICATED', '', 'ResetMemberTwoFactor'), en)).toBe(en.errors.UNAUTHENTICATED);
  });

  it.each<CeremonyFailure>(['cancelled', 'alreadyRegistered', 'unsupported', 'failed'])('explains a passkey ceremony that ended %s in each language', (failure) => {
    const error = new PasskeyCeremonyError(failure, new DOMException('The operation either timed out or was not allowed.', 'NotAllowedError'));
    const english = describeError(error, en);
    expect(english).not.toBe(en.errors.NETWORK);
    expect(english).not.toContain('timed out or was not allowed');
    expect(english).not.toMatch(HANGUL);
    expect(describeError(error, ko)).toMatch(HANGUL);
  });

  it('speaks of a passkey, not a code, when the passkey answer is refused', () => {
    const refused = (operation: string, attemptsRemaining?: number) => describeError(new ApiError('INVALID_CODE', '', operation, { attemptsRemaining }), en);
    expect(refused('VerifyLoginSecondFactorWithPasskey', 4)).toBe('The passkey was not accepted. 4 tries left.');
    expect(refused('VerifyLoginSecondFactorWithPasskey', 0)).toBe(en.errors.loginEndedAfterWrongCodes);
    expect(refused('FinishPasskeyRegistration')).toBe(en.passkeys.refused);
    const badName = new ApiError('BAD_USER_INPUT', '', 'RenamePasskey', { fields: [{ field: 'name', message: 'must be 1 to 64 characters' }] });
    expect(describeError(badName, ko)).toBe(ko.passkeys.nameProblem);
  });

  it('tells the invitee why an invitation link does not work, and the inviter what went wrong', () => {
    const said = (code: ErrorCode, operation: string) => describeError(new ApiError(code, 'x', operation), en);
    expect(said('NOT_FOUND', 'AcceptOrganizationInvitation')).toBe(en.invitations.notValid);
    expect(said('NOT_FOUND', 'DeclineOrganizationInvitation')).toBe(en.invitations.notValid);
    expect(said('CODE_EXPIRED', 'AcceptOrganizationInvitation')).toBe(en.invitations.expired);
    expect(said('CONFLICT', 'AcceptOrganizationInvitation')).toBe(en.invitations.alreadyJoined);
    expect(said('CONFLICT', 'InviteOrganizationMember')).toBe(en.errors.alreadyMember);
    expect(said('FORBIDDEN', 'InviteOrganizationMember')).toBe(en.invitations.forbidden);
    expect(said('FAILED_PRECONDITION', 'RevokeOrganizationInvitation')).toBe(en.invitations.alreadyClosed);
    expect(said('TOO_MANY_ATTEMPTS', 'InviteOrganizationMember')).toBe(en.errors.TOO_MANY_ATTEMPTS(1));
  });
});
