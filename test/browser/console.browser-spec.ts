import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en';
import { ko } from '../../web/src/i18n/ko';
import { acceptInvitation, invitationTokenFor, inviteOrganizationMember } from '../support/invitations';
import { totpCode } from '../support/two-factor';
import { alertText, button, heading, mailedCode, screenshot, useConsoleBrowser } from './support/console-browser';

/**
 * The reference console in a real Chromium against the real server, PostgreSQL and SMTP: each
 * journey of the user guide, end to end. Codes come from the delivered mail and from the key shown
 * on screen, computed at the server's (fake) time.
 */
describe('web console', () => {
  const web = useConsoleBrowser();

  const PASSWORD = 'correct horse battery';
  const owner = { email: 'owner@example.com', secret: '', recoveryCodes: [] as string[] };

  async function signIn(page: Page, email: string, password = PASSWORD) {
    await heading(page, en.signIn.title);
    await page.getByLabel(en.signIn.email).fill(email);
    await page.getByLabel(en.signIn.password).fill(password);
    await button(page, en.signIn.submit).click();
  }

  /** Password, then the code the app shows now; the clock moves one step first so no code is replayed. */
  async function signInWithCode(page: Page, email: string, secret: string) {
    web.t.clock.advanceSeconds(30);
    await signIn(page, email);
    await heading(page, en.secondStep.title);
    await page.getByLabel(en.secondStep.code).fill(totpCode(secret, web.t.clock));
    await button(page, en.secondStep.submit).click();
    await heading(page, en.account.title);
  }

  async function signUpThroughApi(email: string): Promise<string> {
    const { data, errors } = await web.t.gql('mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }', {
      input: { email, password: PASSWORD },
    });
    expect(errors).toBeUndefined();
    return data!.signUp.accessToken;
  }

  /** The English enrollment from 'Activate 2-Step Verification' to '2-step verification completed'. */
  async function enroll(page: Page, email: string, shots?: string): Promise<{ secret: string; recoveryCodes: string[] }> {
    await heading(page, en.setup.requestTitle);
    await expect(page.getByLabel(en.setup.loginEmail).inputValue()).resolves.toBe(email);
    const mailsBefore = web.t.inbox.messages.length;
    await button(page, en.setup.request).click();
    await heading(page, en.setup.confirmTitle);
    await page.getByLabel(en.setup.emailCode).fill(await mailedCode(web.t, email, mailsBefore));
    await button(page, en.setup.verify).click();
    await heading(page, en.setup.scanTitle);
    const secret = (await page.getByTestId('manual-key').textContent())!.replaceAll(' ', '');
    if (shots) await screenshot(page, `${shots}-qr`);
    web.t.clock.advanceSeconds(30);
    await page.getByLabel(en.setup.appCode).fill(totpCode(secret, web.t.clock));
    await button(page, en.setup.verify).click();
    await heading(page, en.setup.savedTitle);
    const recoveryCodes = await page.getByRole('list', { name: en.recoveryCodes.listLabel }).getByRole('listitem').allTextContents();
    await page.getByLabel(en.recoveryCodes.savedCheckbox).check();
    await button(page, en.recoveryCodes.complete).click();
    await heading(page, en.setup.completedTitle);
    return { secret, recoveryCodes };
  }

  it('signs up and sets up 2-step verification through every step of the guide', async () => {
    const page = await web.open();
    await heading(page, en.signIn.title);
    await screenshot(page, 'sign-in');
    await page.getByRole('link', { name: en.signIn.toSignUp }).click();
    await heading(page, en.signUp.title);
    await page.getByLabel(en.signUp.email).fill(owner.email);
    await page.getByLabel(en.signUp.name).fill('Olivia Owner');
    await page.getByLabel(en.signUp.password).fill(PASSWORD);
    await button(page, en.signUp.submit).click();

    // The profile area at the top right opens 'Account Management'; its '2-Step Verification' tab says it is off.
    await page.getByRole('button', { name: en.header.profileMenu(owner.email) }).click();
    await button(page, en.header.accountManagement).click();
    await heading(page, en.account.title);
    await page.getByRole('link', { name: '2-Step Verification' }).click();
    await page.getByText(en.twoFactor.disabled).waitFor();
    await screenshot(page, 'account-two-factor-off');

    await button(page, 'Activate 2-Step Verification').click();
    await heading(page, 'Request email verification');
    await expect(page.getByLabel(en.setup.loginEmail).inputValue()).resolves.toBe(owner.email);
    const mailsBefore = web.t.inbox.messages.length;
    await button(page, 'Request email verification').click();
    await heading(page, 'Confirm your email');
    const emailCode = await mailedCode(web.t, owner.email, mailsBefore);

    // A wrong number says how many tries are left (extensions.attemptsRemaining).
    await page.getByLabel(en.setup.emailCode).fill(emailCode === '000000' ? '111111' : '000000');
    await button(page, en.setup.verify).click();
    expect(await alertText(page)).toBe('That code is not right. 4 tries left.');
    await page.getByLabel(en.setup.emailCode).fill(emailCode);
    await button(page, en.setup.verify).click();

    // QR code and the manual key: account name, My Key, Key Type 'Time Based'.
    await heading(page, en.setup.scanTitle);
    const qr = page.getByRole('img', { name: en.setup.qrAlt('DFINERY', owner.email) });
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(await page.evaluate("(() => { const img = document.querySelector('img.qr'); return img.complete && img.naturalWidth > 0; })()")).toBe(true);
    const manualKey = page.locator('.manual-key');
    for (const label of ['Account name', 'My Key', 'Key Type', 'Time Based', owner.email]) {
      await manualKey.getByText(label, { exact: true }).waitFor();
    }
    // Shown in groups of four, the way people read a key out; the app takes it with or without the spaces.
    expect(await page.getByTestId('manual-key').textContent()).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{4}){7}$/);
    owner.secret = (await page.getByTestId('manual-key').textContent())!.replaceAll(' ', '');
    expect(owner.secret).toMatch(/^[A-Z2-7]{32}$/);
    await screenshot(page, 'enrollment-qr');

    await page.getByLabel(en.setup.appCode).fill(totpCode(owner.secret, web.t.clock));
    await button(page, en.setup.verify).click();

    // Recovery codes: copy, download, and 'Complete' only once the box is ticked.
    await heading(page, 'Save recovery code to your personal device (required)');
    owner.recoveryCodes = await page.getByRole('list', { name: en.recoveryCodes.listLabel }).getByRole('listitem').allTextContents();
    expect(owner.recoveryCodes).toHaveLength(10);
    expect(await button(page, 'Complete').isDisabled()).toBe(true);

    await button(page, 'Copy to clipboard').click();
    await page.getByText(en.recoveryCodes.copied).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(owner.recoveryCodes.join('\n'));

    const [download] = await Promise.all([page.waitForEvent('download'), button(page, 'Download file').click()]);
    expect(download.suggestedFilename()).toBe('recovery-codes.txt');
    const file = readFileSync((await download.path())!, 'utf8');
    for (const code of owner.recoveryCodes) expect(file).toContain(code);
    await screenshot(page, 'recovery-codes');

    await page.getByLabel(en.recoveryCodes.savedCheckbox).check();
    await button(page, 'Complete').click();
    await heading(page, '2-step verification completed');
    await screenshot(page, 'enrollment-completed');
    await button(page, en.setup.toAccount).click();
    await page.getByText(en.twoFactor.enabled).waitFor();
    await page.getByText(en.twoFactor.recoveryCodesLeft(10)).waitFor();
  });

  it('signs in with the 6-digit code, remembers the device, revokes it, and accepts a recovery code', async () => {
    const page = await web.open();
    await signIn(page, owner.email, 'not the password');
    expect(await alertText(page)).toBe(en.errors.INVALID_CREDENTIALS);

    // By keyboard: the fields are labelled and Enter submits.
    await page.getByLabel(en.signIn.password).fill('');
    await page.getByLabel(en.signIn.email).focus();
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await heading(page, en.secondStep.title);
    await page.getByText('Enter the 6-digit authentication code generated in your OTP app.').waitFor();
    await screenshot(page, 'second-step');

    web.t.clock.advanceSeconds(30);
    const code = totpCode(owner.secret, web.t.clock);
    await page.getByLabel(en.secondStep.code).fill(code === '000000' ? '111111' : '000000');
    await button(page, en.secondStep.submit).click();
    expect(await alertText(page)).toBe('That code is not right. 4 tries left.');
    await page.getByLabel(en.secondStep.code).fill(code);
    await page.getByLabel('Remember this device for 30 days').check();
    await button(page, en.secondStep.submit).click();
    await heading(page, en.account.title);

    await page.getByRole('link', { name: en.account.devicesTab }).click();
    await heading(page, en.devices.trustedTitle);
    await expect.poll(() => page.getByRole('row').count()).toBe(2);
    await screenshot(page, 'devices');

    // Signed out and in again: the remembered device skips the second step.
    await page.getByRole('button', { name: en.header.profileMenu(owner.email) }).click();
    await button(page, en.header.signOut).click();
    await page.getByText(en.signIn.signedOut).waitFor();
    await signIn(page, owner.email);
    await heading(page, en.account.title);

    await page.getByRole('link', { name: en.account.devicesTab }).click();
    await button(page, en.devices.revoke).click();
    await page.getByText(en.devices.revoked).waitFor();
    await page.getByText(en.devices.none).waitFor();

    // Revoked: the code is asked again; a recovery code works instead of it.
    await page.getByRole('button', { name: en.header.profileMenu(owner.email) }).click();
    await button(page, en.header.signOut).click();
    await signIn(page, owner.email);
    await heading(page, en.secondStep.title);
    await button(page, en.secondStep.useRecoveryCode).click();
    await page.getByLabel(en.secondStep.recoveryCode).fill(owner.recoveryCodes[0]!);
    await button(page, en.secondStep.submit).click();
    await page.getByText(en.twoFactor.recoveryCodesLeft(9)).waitFor();

    await page.getByRole('link', { name: en.account.eventsTab }).click();
    await heading(page, en.events.title);
    for (const type of ['RECOVERY_CODE_USED', 'TRUSTED_DEVICE_REVOKED', 'TRUSTED_DEVICE_ADDED', 'TWO_FACTOR_ENABLED'] as const) {
      await page.getByRole('cell', { name: en.events.types[type], exact: true }).first().waitFor();
    }
    await screenshot(page, 'security-events');
  });

  it('reissues the recovery codes, changes the password, and disables 2FA with password → Next → code', async () => {
    const page = await web.open();
    await signInWithCode(page, owner.email, owner.secret);

    await button(page, 'Reissue Recovery Code').click();
    await page.getByText(en.reissue.warning).waitFor();
    await page.getByLabel(en.reissue.password).fill(PASSWORD);
    await button(page, 'Next').click();
    await heading(page, 'Save the reissued recovery code to your personal device (required)');
    const newCodes = await page.getByRole('list', { name: en.recoveryCodes.listLabel }).getByRole('listitem').allTextContents();
    expect(newCodes).toHaveLength(10);
    expect(await button(page, 'Complete').isDisabled()).toBe(true);
    await page.getByLabel(en.recoveryCodes.savedCheckbox).check();
    await button(page, 'Complete').click();
    await heading(page, en.reissue.doneTitle);
    await button(page, en.done).click();
    await page.getByText(en.twoFactor.recoveryCodesLeft(10)).waitFor();

    await page.getByRole('link', { name: en.account.passwordTab }).click();
    await page.getByLabel(en.password.current).fill(PASSWORD);
    await page.getByLabel(en.password.new, { exact: true }).fill('another long password');
    await page.getByLabel(en.password.confirm).fill('another long passwort');
    await button(page, en.password.submit).click();
    expect(await alertText(page)).toBe(en.password.mismatch);
    await page.getByLabel(en.password.confirm).fill('another long password');
    await button(page, en.password.submit).click();
    await page.getByText(en.password.changed).waitFor();
    await page.getByLabel(en.password.current).fill('another long password');
    await page.getByLabel(en.password.new, { exact: true }).fill(PASSWORD);
    await page.getByLabel(en.password.confirm).fill(PASSWORD);
    await button(page, en.password.submit).click();
    await page.getByText(en.password.changed).waitFor();

    await page.getByRole('link', { name: en.account.twoFactorTab }).click();
    await button(page, 'Disable 2-Step Verification').click();
    await page.getByLabel(en.disable.password).fill(PASSWORD);
    await button(page, 'Next').click();
    await heading(page, '2nd authentication verification');
    await page.getByLabel('Enter recovery code').check();
    await page.getByRole('textbox', { name: en.disable.recoveryCode }).fill(owner.recoveryCodes[1]!);
    await button(page, en.disable.submit).click();
    expect(await alertText(page)).toBe(en.errors.INVALID_CODE);
    await screenshot(page, 'disable-second-factor');
    await page.getByLabel('Enter authentication code').check();
    web.t.clock.advanceSeconds(30);
    await page.getByRole('textbox', { name: en.disable.code }).fill(totpCode(owner.secret, web.t.clock));
    await button(page, en.disable.submit).click();
    await heading(page, en.disable.doneTitle);
    await button(page, en.done).click();
    await page.getByText(en.twoFactor.disabled).waitFor();
  });

  it('tells a locked-out person how many minutes to wait', async () => {
    await signUpThroughApi('locked@example.com');
    for (let i = 0; i < 10; i++) {
      await web.t.gql('mutation($input: LoginInput!) { login(input: $input) { accessToken } }', { input: { email: 'locked@example.com', password: 'wrong password' } });
    }
    const page = await web.open();
    await signIn(page, 'locked@example.com');
    expect(await alertText(page)).toBe('Too many attempts. Try again in 15 minutes.');
  });

  it('in Korean: refuses Security Settings with the API\'s reason until the admin has 2FA, then requires it', async () => {
    const memberToken = await signUpThroughApi('member@example.com');
    const page = await web.open({ locale: 'ko-KR' });
    await heading(page, '로그인');
    await page.getByRole('link', { name: '회원가입' }).click();
    await page.getByLabel('이메일').fill('admin@example.com');
    await page.getByLabel('비밀번호').fill(PASSWORD);
    await button(page, '회원가입').click();
    await heading(page, '계정관리');
    await page.getByRole('link', { name: '2단계 인증', exact: true }).waitFor();
    await button(page, '2단계 인증 활성').waitFor();
    await screenshot(page, 'ko-account');

    await page.getByRole('button', { name: 'admin@example.com 프로필 메뉴' }).click();
    await button(page, '조직 관리').click();
    await heading(page, '조직 관리');
    await page.getByLabel('조직 이름').fill('Acme');
    await button(page, '만들기').click();
    await page.getByRole('link', { name: 'Acme' }).click();
    await heading(page, 'Acme · 보안 설정');
    // The admin has no 2FA yet: the hint says saving needs it, before the refusal does.
    await page.getByText(ko.organizations.requireHint).waitFor();
    await page.getByLabel('조직의 모든 사용자에게 2단계 인증 의무화').check();
    await page.getByLabel('유예 기간(시간)').fill('24');
    await button(page, '저장').click();
    expect(await alertText(page)).toBe('조직의 보안 설정을 변경하려면 먼저 내 계정의 2단계 인증을 설정하세요.');
    await screenshot(page, 'ko-security-settings-refused');

    // The English sentence is the API's own reason, word for word.
    const login = await web.t.gql('mutation($input: LoginInput!) { login(input: $input) { accessToken } }', { input: { email: 'admin@example.com', password: PASSWORD } });
    const organizations = await web.t.gql('{ myOrganizations { id } }', {}, login.data!.login.accessToken);
    const refused = await web.t.gql(
      'mutation($input: UpdateOrganizationSecuritySettingsInput!) { updateOrganizationSecuritySettings(input: $input) { requireTwoFactor } }',
      { input: { organizationId: organizations.data!.myOrganizations[0].id, requireTwoFactor: true } },
      login.data!.login.accessToken,
    );
    expect(refused.errors?.[0]?.message).toBe(en.errors.settingsNeedOwnTwoFactor);

    // A new colleague comes in by invitation (its screens come with that capability).
    const mailsBefore = web.t.inbox.messages.length;
    const invited = await inviteOrganizationMember(web.t, login.data!.login.accessToken, { organizationId: organizations.data!.myOrganizations[0].id, email: 'member@example.com', role: 'MEMBER' });
    expect(invited.errors).toBeUndefined();
    const accepted = await acceptInvitation(web.t, memberToken, await invitationTokenFor(web.t, 'member@example.com', mailsBefore));
    expect(accepted.errors).toBeUndefined();
    await page.getByRole('link', { name: '멤버', exact: true }).click();
    const memberRow = page.getByRole('row').filter({ hasText: 'member@example.com' });
    await memberRow.getByText('사용 안 함').waitFor();

    // The guide's enrollment, in Korean.
    await page.getByRole('button', { name: 'admin@example.com 프로필 메뉴' }).click();
    await button(page, '계정관리').click();
    await button(page, '2단계 인증 활성').click();
    await heading(page, '이메일 인증 요청');
    const mailsBeforeSetup = web.t.inbox.messages.length;
    await button(page, '이메일 인증 요청').click();
    await heading(page, '이메일 확인');
    await page.getByLabel('인증번호', { exact: true }).fill(await mailedCode(web.t, 'admin@example.com', mailsBeforeSetup));
    await button(page, '인증').click();
    await heading(page, '2단계 인증 앱으로 QR코드 스캔');
    for (const label of ['계정 이름', '내 키', '키 유형', '시간 기준']) await page.locator('.manual-key').getByText(label, { exact: true }).waitFor();
    await screenshot(page, 'ko-enrollment-qr');
    const secret = (await page.getByTestId('manual-key').textContent())!.replaceAll(' ', '');
    web.t.clock.advanceSeconds(30);
    await page.getByLabel('앱에서 확인한 인증번호').fill(totpCode(secret, web.t.clock));
    await button(page, '인증').click();
    await heading(page, '복구 코드를 개인 기기에 저장(필수)');
    await button(page, '클립 보드 복사').waitFor();
    await button(page, '파일 다운로드').waitFor();
    expect(await button(page, '완료').isDisabled()).toBe(true);
    await screenshot(page, 'ko-recovery-codes');
    await page.getByLabel('복구 코드를 개인 기기에 저장했습니다').check();
    await button(page, '완료').click();
    await heading(page, '2단계 인증 완료');
    await button(page, '계정관리로 이동').click();
    await page.getByText('2단계 인증을 사용 중입니다.').waitFor();

    await page.getByRole('button', { name: 'admin@example.com 프로필 메뉴' }).click();
    await button(page, '조직 관리').click();
    await page.getByRole('link', { name: 'Acme' }).click();
    await page.getByLabel('조직의 모든 사용자에게 2단계 인증 의무화').check();
    await expect(page.getByText(ko.organizations.requireHint).count()).resolves.toBe(0);
    await page.getByLabel('유예 기간(시간)').fill('24');
    await button(page, '저장').click();
    await page.getByText('저장했습니다.').waitFor();
    await screenshot(page, 'ko-security-settings');

    await page.getByRole('link', { name: '멤버', exact: true }).click();
    await page.getByRole('row').filter({ hasText: 'admin@example.com' }).getByText('사용', { exact: true }).waitFor();
    await screenshot(page, 'ko-members');

    // The switch changes every string at once.
    await button(page, 'English').click();
    await heading(page, 'Acme · Members');
    await page.getByRole('row').filter({ hasText: 'member@example.com' }).getByText('Off', { exact: true }).waitFor();
  });

  it('shows a member the deadline, then after it only the setup, which they complete', async () => {
    const page = await web.open();
    await signIn(page, 'member@example.com');
    await heading(page, en.account.title);
    const banner = await page.getByText(/Your organization requires 2-step verification. Set it up by/).textContent();
    expect(banner).toContain(new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(web.t.clock.now().getTime() + 24 * 3600_000));
    await screenshot(page, 'grace-period');

    // A day and an hour later, the session has expired and the deadline has passed.
    web.t.clock.advanceMinutes(25 * 60);
    await page.reload();
    await page.getByText(en.signIn.sessionEnded).waitFor();
    await signIn(page, 'member@example.com');
    await heading(page, en.setup.forcedTitle);
    await page.getByText(/The deadline was/).waitFor();
    await screenshot(page, 'forced-setup');
    await enroll(page, 'member@example.com');
    await button(page, en.setup.toAccount).click();
    await page.getByText(en.twoFactor.enabled).waitFor();
  });

  it('is readable on a 375 px wide phone', async () => {
    const page = await web.open({ width: 375, height: 740 });
    const fitsWidth = () => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');
    await heading(page, en.signIn.title);
    expect(await fitsWidth()).toBe(true);
    await screenshot(page, 'phone-sign-in');
    await page.getByRole('link', { name: en.signIn.toSignUp }).click();
    await page.getByLabel(en.signUp.email).fill('phone@example.com');
    await page.getByLabel(en.signUp.password).fill(PASSWORD);
    await button(page, en.signUp.submit).click();
    await heading(page, en.account.title);
    expect(await fitsWidth()).toBe(true);
    await button(page, en.twoFactor.activate).click();
    const mailsBefore = web.t.inbox.messages.length;
    await button(page, en.setup.request).click();
    await page.getByLabel(en.setup.emailCode).fill(await mailedCode(web.t, 'phone@example.com', mailsBefore));
    await button(page, en.setup.verify).click();
    await heading(page, en.setup.scanTitle);
    expect(await fitsWidth()).toBe(true);
    await screenshot(page, 'phone-enrollment-qr');
  });
});
