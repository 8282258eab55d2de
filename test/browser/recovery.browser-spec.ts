import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en';
import { DEFAULT_PASSWORD, logout, newUser, uniqueEmail } from '../support/operations';
import { addMember, newOrganization, updateOrganizationSecuritySettings } from '../support/organizations';
import { newUserWithTwoFactor, totpCode, wrongCode } from '../support/two-factor';
import { alertText, button, heading, screenshot, useConsoleBrowser } from './support/console-browser';

/**
 * Account recovery in a real Chromium against the real server: the forgotten password from the
 * mailed link, the Sessions tab, and an owner's reset of a member's lost second factor.
 */
describe('web console: account recovery', () => {
  // Served where PUBLIC_URL points, so the mailed link opens as it is.
  const web = useConsoleBrowser({ hostName: 'localhost' });

  const NEW_PASSWORD = 'a brand new passphrase';
  const RESET_SUBJECT = /Reset your password|비밀번호 재설정/;

  async function signIn(page: Page, email: string, password: string) {
    await heading(page, en.signIn.title);
    await page.getByLabel(en.signIn.email).fill(email);
    await page.getByLabel(en.signIn.password).fill(password);
    await button(page, en.signIn.submit).click();
  }

  /** Password, then the code the app shows now; the clock moves one step first so no code is replayed. */
  async function signInWithCode(page: Page, email: string, secret: string, password = DEFAULT_PASSWORD) {
    web.t.clock.advanceSeconds(30);
    await signIn(page, email, password);
    await heading(page, en.secondStep.title);
    await page.getByLabel(en.secondStep.code).fill(totpCode(secret, web.t.clock));
    await button(page, en.secondStep.submit).click();
    await heading(page, en.account.title);
  }

  /** 'Forgot your password?' from the sign-in screen, and the neutral answer it always gives. */
  async function askForResetLink(page: Page, email: string) {
    await heading(page, en.signIn.title);
    await page.getByRole('link', { name: en.recovery.forgotLink }).click();
    await heading(page, en.recovery.forgotTitle);
    await page.getByLabel(en.recovery.email).fill(email);
    await button(page, en.recovery.send).click();
    await page.getByText(en.recovery.sent).waitFor();
  }

  /** The reset link of the first reset mail to `email` after `after` messages, exactly as mailed. */
  async function mailedResetLink(email: string, after: number): Promise<string> {
    const mail = await web.t.inbox.waitFor(email, RESET_SUBJECT, after);
    const link = /(\S+\/reset-password\?token=\S+)/.exec(mail.text)?.[1];
    if (!link) throw new Error(`No reset link in mail: ${mail.text}`);
    expect(link.startsWith(`${web.baseUrl}/reset-password?token=`)).toBe(true);
    return link;
  }

  async function chooseNewPassword(page: Page, password: string, confirmation = password) {
    await page.getByLabel(en.recovery.newPassword, { exact: true }).fill(password);
    await page.getByLabel(en.recovery.confirm).fill(confirmation);
    await button(page, en.recovery.submit).click();
  }

  it('resets a forgotten password from the mailed link; the old password is refused, 2FA is still asked, and the link works once', async () => {
    const user = await newUserWithTwoFactor(web.t);
    const page = await web.open();

    // The answer for an address without an account is the same, and nothing is mailed to it.
    const stranger = uniqueEmail('nobody');
    await askForResetLink(page, stranger);
    const mailsBefore = web.t.inbox.messages.length;
    await page.getByLabel(en.recovery.email).fill(user.email);
    await button(page, en.recovery.send).click();
    await page.getByText(en.recovery.sent).waitFor();
    await screenshot(page, 'forgot-password');
    const link = await mailedResetLink(user.email, mailsBefore);
    expect(web.t.inbox.countTo(stranger)).toBe(0);

    await page.goto(link);
    await heading(page, en.recovery.resetTitle);
    expect(new URL(page.url()).hash).toMatch(/^#\/reset-password\?token=pwr_/);

    // A short password and a mistyped confirmation are refused, and the link still works after them.
    await chooseNewPassword(page, 'too short');
    expect(await alertText(page)).toBe(`${en.errors.BAD_USER_INPUT} New password: use 10 to 128 characters.`);
    await chooseNewPassword(page, NEW_PASSWORD, `${NEW_PASSWORD}!`);
    expect(await alertText(page)).toBe(en.recovery.mismatch);
    await chooseNewPassword(page, NEW_PASSWORD);
    await heading(page, en.recovery.doneTitle);
    await screenshot(page, 'reset-password-done');
    await button(page, en.recovery.toSignIn).click();

    await signIn(page, user.email, DEFAULT_PASSWORD);
    expect(await alertText(page)).toBe(en.errors.INVALID_CREDENTIALS);
    await signInWithCode(page, user.email, user.secret, NEW_PASSWORD);

    // The same link again, opened while signed in: it was used.
    await page.goto(link);
    await heading(page, en.recovery.resetTitle);
    await chooseNewPassword(page, 'yet another passphrase');
    expect(await alertText(page)).toBe(en.recovery.linkInvalid);
    await page.getByRole('link', { name: en.recovery.requestNewLink }).waitFor();
    await screenshot(page, 'reset-password-used-link');

    // A new link opened in this signed-in tab: the reset ends this session too, so the tab signs out.
    const before = web.t.inbox.messages.length;
    await web.t.gql('mutation($email: String!) { requestPasswordReset(email: $email) }', { email: user.email });
    await page.goto(await mailedResetLink(user.email, before));
    await heading(page, en.recovery.resetTitle);
    await chooseNewPassword(page, DEFAULT_PASSWORD);
    await heading(page, en.recovery.doneTitle);
    await expect(page.getByRole('button', { name: en.header.profileMenu(user.email) }).count()).resolves.toBe(0);
    await button(page, en.recovery.toSignIn).click();
    await heading(page, en.signIn.title);
  });

  it('in Korean: an expired link says so and offers a new one, which works', async () => {
    const user = await newUser(web.t);
    const page = await web.open({ locale: 'ko-KR' });
    await heading(page, '로그인');
    await page.getByRole('link', { name: '비밀번호를 잊으셨나요?' }).click();
    await heading(page, '비밀번호 재설정');
    const mailsBefore = web.t.inbox.messages.length;
    await page.getByLabel('이메일').fill(user.email);
    await button(page, '링크 보내기').click();
    await page.getByText(/^입력한 주소로 가입한 계정이 있으면 비밀번호 재설정 링크를 보냈습니다\./).waitFor();
    const expired = await mailedResetLink(user.email, mailsBefore);

    web.t.clock.advanceMinutes(31);
    await page.goto(expired);
    await heading(page, '새 비밀번호 설정');
    await page.getByLabel('새 비밀번호', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('새 비밀번호 확인').fill(NEW_PASSWORD);
    await button(page, '비밀번호 재설정').click();
    expect(await alertText(page)).toBe('링크가 만료되었습니다(30분 동안 유효). 새 링크를 요청하세요.');
    expect(await button(page, '비밀번호 재설정').isDisabled()).toBe(true);
    await screenshot(page, 'ko-reset-password-expired');

    await page.getByRole('link', { name: '새 링크 요청' }).click();
    await heading(page, '비밀번호 재설정');
    const before = web.t.inbox.messages.length;
    await page.getByLabel('이메일').fill(user.email);
    await button(page, '링크 보내기').click();
    await page.goto(await mailedResetLink(user.email, before));
    await heading(page, '새 비밀번호 설정');
    await page.getByLabel('새 비밀번호', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('새 비밀번호 확인').fill(NEW_PASSWORD);
    await button(page, '비밀번호 재설정').click();
    await heading(page, '비밀번호를 재설정했습니다');
    await button(page, '로그인').click();
    await heading(page, '로그인');
    await page.getByLabel('이메일').fill(user.email);
    await page.getByLabel('비밀번호').fill(NEW_PASSWORD);
    await button(page, '로그인').click();
    await heading(page, '계정관리');
  });

  it('lists the sessions with this one marked, and signs the other browser out', async () => {
    const user = await newUser(web.t);
    await logout(web.t, user.token);
    const first = await web.open();
    const second = await web.open();
    await signIn(first, user.email, DEFAULT_PASSWORD);
    await heading(first, en.account.title);
    const signedInAt = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(web.t.clock.now());
    web.t.clock.advanceMinutes(5);
    await signIn(second, user.email, DEFAULT_PASSWORD);
    await heading(second, en.account.title);

    await first.getByRole('link', { name: en.sessions.tab }).click();
    await heading(first, en.sessions.title);
    const rows = first.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const current = rows.filter({ hasText: en.sessions.thisDevice });
    await expect(current.count()).resolves.toBe(1);
    await current.getByRole('cell', { name: signedInAt, exact: true }).first().waitFor();
    await current.getByRole('cell', { name: '127.0.0.1', exact: true }).waitFor();
    await expect(current.getByRole('button').count()).resolves.toBe(0);
    await screenshot(first, 'sessions');

    const other = rows.filter({ hasNotText: en.sessions.thisDevice });
    await other.getByRole('button', { name: en.sessions.signOutLabel('Chrome on Linux') }).click();
    await first.getByText(en.sessions.signedOut).waitFor();
    await expect.poll(() => rows.count()).toBe(1);

    // The other browser learns it at its next action.
    await second.getByRole('link', { name: en.account.devicesTab }).click();
    await heading(second, en.signIn.title);
    await second.getByText(en.signIn.sessionEnded).waitFor();
  });

  it("lets an owner reset a member's lost 2FA with a fresh code: the member is signed out and signs in without a code", async () => {
    const owner = await newUserWithTwoFactor(web.t);
    const member = await newUserWithTwoFactor(web.t);
    const organizationId = await newOrganization(web.t, owner.token, 'Recovery Inc');
    await addMember(web.t, owner.token, organizationId, member.email);

    const admin = await newUserWithTwoFactor(web.t);
    await addMember(web.t, owner.token, organizationId, admin.email, 'ADMIN');

    // An admin may reset a member, never an owner.
    const adminPage = await web.open();
    await signInWithCode(adminPage, admin.email, admin.secret);
    await adminPage.goto(`${web.baseUrl}/#/organizations/${organizationId}/members`);
    await adminPage.getByRole('button', { name: en.memberReset.actionLabel(member.email) }).waitFor();
    await expect(adminPage.getByRole('button', { name: en.memberReset.actionLabel(owner.email) }).count()).resolves.toBe(0);
    await expect(adminPage.getByRole('button', { name: en.memberReset.actionLabel(admin.email) }).count()).resolves.toBe(0);

    const memberPage = await web.open();
    await signInWithCode(memberPage, member.email, member.secret);
    const ownerPage = await web.open();
    await signInWithCode(ownerPage, owner.email, owner.secret);
    await ownerPage.goto(`${web.baseUrl}/#/organizations/${organizationId}/members`);
    const memberRow = ownerPage.getByRole('row').filter({ hasText: member.email });
    await memberRow.getByText(en.on, { exact: true }).waitFor();
    // Nobody resets their own.
    await expect(ownerPage.getByRole('button', { name: en.memberReset.actionLabel(owner.email) }).count()).resolves.toBe(0);

    await ownerPage.getByRole('button', { name: en.memberReset.actionLabel(member.email) }).click();
    await heading(ownerPage, en.memberReset.title(member.email));
    web.t.clock.advanceSeconds(30);
    const code = totpCode(owner.secret, web.t.clock);
    await ownerPage.getByLabel(en.memberReset.code).fill(wrongCode(code));
    await button(ownerPage, en.memberReset.submit).click();
    expect(await alertText(ownerPage)).toBe(en.errors.INVALID_CODE);
    await screenshot(ownerPage, 'member-reset-two-factor');
    await ownerPage.getByLabel(en.memberReset.code).fill(code);
    await button(ownerPage, en.memberReset.submit).click();
    await ownerPage.getByText(en.memberReset.done(member.email)).waitFor();
    await memberRow.getByText(en.off, { exact: true }).waitFor();
    await expect(ownerPage.getByRole('button', { name: en.memberReset.actionLabel(member.email) }).count()).resolves.toBe(0);

    // The member's open session has ended; the password alone signs in now.
    await memberPage.getByRole('link', { name: en.sessions.tab }).click();
    await memberPage.getByText(en.signIn.sessionEnded).waitFor();
    await signIn(memberPage, member.email, DEFAULT_PASSWORD);
    await heading(memberPage, en.account.title);
    await memberPage.getByText(en.twoFactor.disabled).waitFor();

    // Where the organization requires 2FA (no grace period), the next sign-in goes to the forced setup.
    const required = await updateOrganizationSecuritySettings(web.t, owner.token, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 0 });
    expect(required.errors).toBeUndefined();
    await memberPage.getByRole('button', { name: en.header.profileMenu(member.email) }).click();
    await button(memberPage, en.header.signOut).click();
    await signIn(memberPage, member.email, DEFAULT_PASSWORD);
    await heading(memberPage, en.setup.forcedTitle);
  });
});
