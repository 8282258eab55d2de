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

  it.each(['BREACHED', 'GUESSABLE', 'PERSONAL'] as const)('says why a new password was refused (%s), in each language', (reason) => {
    const error = new ApiError('BAD_USER_INPUT', '', 'ChangePassword', { fields: [{ field: 'newPassword', message: 'is on a list', reason }] });
    expect(describeError(error, en)).toBe(`${en.errors.BAD_USER_INPUT} New password: ${en.errors.passwordProblems[reason]}`);
    expect(describeError(error, ko)).toBe(`${ko.errors.BAD_USER_INPUT} 새 비밀번호: ${ko.errors.passwordProblems[reason]}`);
    expect(describeError(new ApiError('BAD_USER_INPUT', '', 'SignUp', { fields: [{ field: 'password', message: '', reason: 'SOMETHING_NEW' }] }), en)).toBe(
      `${en.errors.BAD_USER_INPUT} Password: ${en.errors.fields.password.problem}`,
    );
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
    expect(describeError(new ApiError('CODE_EXPIRED', '', 'ConfirmAuthenticatorReplacement'), ko)).toBe(ko.move.expired);
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
    expect(said('TOO_MANY_ATTEMPTS', 'InviteOrganizationMember')).toBe(
      'Too many invitations were sent — by you today, by this organization, or to this address. Try again in 1 minute.',
    );
  });

  describe('the refusals of the third security pass (issue 20)', () => {
    const say = (code: ErrorCode, operation: string, extensions: ConstructorParameters<typeof ApiError>[3] = {}) => ({
      en: describeError(new ApiError(code, 'SERVER MESSAGE', operation, extensions), en),
      ko: describeError(new ApiError(code, 'SERVER MESSAGE', operation, extensions), ko),
    });

    it('tells an account that owns 5 organizations how to start another', () => {
      const said = say('FAILED_PRECONDITION', 'CreateOrganization');
      expect(said.en).toBe(
        'You already own 5 organizations, the most one account may own. To start another, make someone else the owner of one of them and leave it.',
      );
      expect(said.ko).toBe(
        '이미 조직 5개를 소유하고 있습니다. 한 계정이 소유할 수 있는 최대 개수입니다. 새 조직을 만들려면 소유한 조직 중 하나의 소유자를 다른 사람으로 지정한 뒤 그 조직에서 나가세요.',
      );
      // Other operations keep their own reading of FAILED_PRECONDITION.
      expect(say('FAILED_PRECONDITION', 'RemoveOrganizationMember').en).toBe(en.errors.lastOwner);
    });

    it.each(['SignUp', 'CreateOrganization'])('asks %s for a name on one line', (operation) => {
      const said = say('BAD_USER_INPUT', operation, { fields: [{ field: 'name', message: 'must be one line of text, without line breaks or control characters' }] });
      expect(said.en).toBe(`${en.errors.BAD_USER_INPUT} Name: use one line of at most 100 characters, without line breaks.`);
      expect(said.ko).toBe(`${ko.errors.BAD_USER_INPUT} 이름: 줄바꿈 없이 한 줄, 100자 이하로 입력하세요.`);
    });

    it.each(['FinishPasskeyRegistration', 'RenamePasskey'])('asks %s for a passkey name on one line', (operation) => {
      const said = say('BAD_USER_INPUT', operation, { fields: [{ field: 'name', message: 'must be one line of text, without line breaks or control characters' }] });
      expect(said.en).toBe('Passkey name: use one line of 1 to 64 characters, without line breaks.');
      expect(said.ko).toBe('패스키 이름: 줄바꿈 없이 한 줄, 1~64자로 입력하세요.');
    });

    it('asks for a plain email address when quotes, spaces or brackets are refused', () => {
      const fields = [{ field: 'email', message: 'must be a plain address, without quotes, spaces or any of < > ( ) [ ] , ; : \\' }];
      for (const operation of ['SignUp', 'InviteOrganizationMember']) {
        const said = say('BAD_USER_INPUT', operation, { fields });
        expect(said.en).toBe(`${en.errors.BAD_USER_INPUT} Email: enter a plain email address like name@example.com, without spaces, quotes or brackets.`);
        expect(said.ko).toBe(`${ko.errors.BAD_USER_INPUT} 이메일: name@example.com 같은 일반 이메일 주소를 공백, 따옴표, 괄호 없이 입력하세요.`);
      }
    });

    it('says why a member\'s 2-step verification cannot be reset, counting every organization the two share', () => {
      const said = say('FORBIDDEN', 'ResetMemberTwoFactor');
      expect(said.en).toBe(
        "You cannot reset this member: only an owner can reset an owner's 2-step verification, and only someone whose role is at least the member's in every organization the two of you share; nobody resets their own. Ask an owner of the organization where the member's role is higher than yours.",
      );
      expect(said.ko).toBe(
        '이 멤버는 초기화할 수 없습니다. 소유자의 2단계 인증은 소유자만 초기화할 수 있고, 함께 속한 모든 조직에서 역할이 멤버와 같거나 더 높아야 초기화할 수 있습니다. 자기 자신은 초기화할 수 없습니다. 멤버의 역할이 나보다 높은 조직의 소유자에게 요청하세요.',
      );
    });

    it('names the three invitation limits and the wait, in minutes up to 90 and in hours beyond', () => {
      const wait = (retryAfterSeconds: number) => say('TOO_MANY_ATTEMPTS', 'InviteOrganizationMember', { retryAfterSeconds });
      const sentence = 'Too many invitations were sent — by you today, by this organization, or to this address. Try again in';
      expect(wait(60).en).toBe(`${sentence} 1 minute.`);
      expect(wait(1500).en).toBe(`${sentence} 25 minutes.`);
      expect(wait(5400).en).toBe(`${sentence} 90 minutes.`);
      expect(wait(5401).en).toBe(`${sentence} 2 hours.`);
      expect(wait(3600 * 20 + 1).en).toBe(`${sentence} 21 hours.`);
      expect(wait(1500).ko).toBe('초대를 너무 많이 보냈습니다. 오늘 내가 보낸 초대, 이 조직이 보낸 초대 또는 이 주소로 보낸 초대가 한도에 이르렀습니다. 25분 후에 다시 시도하세요.');
      expect(wait(3600 * 5).ko).toBe('초대를 너무 많이 보냈습니다. 오늘 내가 보낸 초대, 이 조직이 보낸 초대 또는 이 주소로 보낸 초대가 한도에 이르렀습니다. 5시간 후에 다시 시도하세요.');
      // The general limit keeps its own sentence.
      expect(say('TOO_MANY_ATTEMPTS', 'Login', { retryAfterSeconds: 900 }).en).toBe('Too many attempts. Try again in 15 minutes.');
    });

    it('says who can be added directly, and that anyone else is invited by email', () => {
      const said = say('NOT_FOUND', 'AddOrganizationMember');
      expect(said.en).toBe(
        'Only people you already manage in another organization, and who hold no higher role than yours in any organization you share, can be added directly. Invite anyone else by email.',
      );
      expect(said.ko).toBe(
        '내가 이미 관리하는 다른 조직에 있으면서, 함께 속한 어느 조직에서도 나보다 높은 역할이 아닌 사람만 바로 추가할 수 있습니다. 그 밖의 사람은 이메일로 초대하세요.',
      );
    });

    it('explains an empty list of my invitations: confirmed addresses only, the mailed link answers', () => {
      expect(en.invitations.mineEmpty).toBe('Invitations sent to your email appear here once your address is confirmed. Open the link in the invitation email to answer it.');
      expect(ko.invitations.mineEmpty).toBe('내 이메일로 온 초대는 이메일 주소가 확인된 후 여기에 표시됩니다. 초대에 응답하려면 초대 이메일의 링크를 여세요.');
    });

    it('says who may add or delete webhooks, the most an organization may have, and which URL is refused', () => {
      for (const operation of ['CreateOrganizationWebhook', 'DeleteOrganizationWebhook']) {
        expect(say('FORBIDDEN', operation).en).toBe('Only owners of the organization with 2-step verification on can add or delete webhooks.');
        expect(say('FORBIDDEN', operation).ko).toBe('2단계 인증을 켠 조직 소유자만 웹훅을 추가하거나 삭제할 수 있습니다.');
      }
      expect(say('FAILED_PRECONDITION', 'CreateOrganizationWebhook').en).toBe('An organization can have at most 10 webhooks. Delete one first.');
      const url = say('BAD_USER_INPUT', 'CreateOrganizationWebhook', { fields: [{ field: 'url', message: '127.0.0.1 is a loopback address' }] });
      expect(url.en).toBe(`${en.errors.BAD_USER_INPUT} URL: enter an https:// address on the public internet (private, loopback and cloud metadata addresses are refused).`);
      expect(url.ko).toMatch(HANGUL);
    });

    it.each(['DownloadMembersReport', 'ExportSecurityEvents'])('says %s is for owners and admins', (operation) => {
      expect(say('FORBIDDEN', operation).en).toBe('Only owners and admins of the organization can download its files.');
      expect(say('FORBIDDEN', operation).ko).toBe('조직의 소유자와 관리자만 파일을 다운로드할 수 있습니다.');
    });

    it('never shows the server message, and keeps each language to itself', () => {
      const cases = [
        say('FAILED_PRECONDITION', 'CreateOrganization'),
        say('BAD_USER_INPUT', 'CreateOrganization', { fields: [{ field: 'name', message: 'x' }] }),
        say('FORBIDDEN', 'ResetMemberTwoFactor'),
        say('TOO_MANY_ATTEMPTS', 'InviteOrganizationMember', { retryAfterSeconds: 86_000 }),
        say('NOT_FOUND', 'AddOrganizationMember'),
      ];
      for (const said of cases) {
        expect(said.en).not.toContain('SERVER MESSAGE');
        expect(said.en).toMatch(/\.$/);
        expect(said.en).not.toMatch(HANGUL);
        expect(said.ko).toMatch(HANGUL);
      }
    });
  });

  it('says a refused one-step passkey sign-in in words, in both languages, not as a wrong password', () => {
    const refused = (t: typeof en) => describeError(new ApiError('INVALID_CREDENTIALS', 'SERVER MESSAGE', 'FinishPasskeySignIn'), t);
    expect(refused(en)).toBe('This passkey could not sign you in. Try again, or sign in with your email and password.');
    expect(refused(ko)).toBe('이 패스키로 로그인할 수 없습니다. 다시 시도하거나 이메일과 비밀번호로 로그인하세요.');
    expect(describeError(new ApiError('INVALID_CREDENTIALS', 'SERVER MESSAGE', 'Login'), en)).toBe(en.errors.INVALID_CREDENTIALS);
  });

  it('tells an admin without a passkey why a passkeys-only rule was refused, apart from the 2FA precondition', () => {
    const said = (missing?: string) => describeError(new ApiError('FAILED_PRECONDITION', 'SERVER MESSAGE', 'UpdateOrganizationSecuritySettings', missing ? { missing } : {}), en);
    expect(said('PASSKEY')).toBe(en.organizations.needsOwnPasskey);
    expect(said()).toBe(en.errors.settingsNeedOwnTwoFactor);
    expect(describeError(new ApiError('FAILED_PRECONDITION', 'SERVER MESSAGE', 'UpdateOrganizationSecuritySettings', { missing: 'PASSKEY' }), ko)).toMatch(/패스키/);
  });
});
