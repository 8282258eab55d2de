import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en';
import { acceptInvitation, invitationLinkFor, invitationTokenFor, inviteOrganizationMember, myInvitations } from '../support/invitations';
import { DEFAULT_PASSWORD, errorCode, newUser, uniqueEmail } from '../support/operations';
import { addMember, newOrganization, updateOrganizationSecuritySettings } from '../support/organizations';
import { confirmEmail, newUserWithTwoFactor, totpCode } from '../support/two-factor';
import { alertText, button, heading, screenshot, useConsoleBrowser } from './support/console-browser';

/**
 * Organization invitations in a real Chromium against the real server: an owner invites from the
 * Members panel, the invitee opens the mailed link as it is (signed out or in), and answers it.
 */
describe('web console: organization invitations', () => {
  // Served where PUBLIC_URL points, so the mailed link opens as it is.
  const web = useConsoleBrowser({ hostName: 'localhost' });

  async function signIn(page: Page, email: string, labels = { title: en.signIn.title, email: en.signIn.email, password: en.signIn.password, submit: en.signIn.submit }) {
    await heading(page, labels.title);
    await page.getByLabel(labels.email).fill(email);
    await page.getByLabel(labels.password).fill(DEFAULT_PASSWORD);
    await button(page, labels.submit).click();
  }

  async function openMembers(page: Page, organizationId: string, name: string, tab = en.organizations.membersTab) {
    await page.goto(`${web.baseUrl}/#/organizations/${organizationId}/members`);
    await heading(page, `${name} · ${tab}`);
  }

  /** The Members panel's 'Invite a member' form. */
  async function invite(page: Page, email: string, role: string, labels = { form: en.invitations.inviteTitle, email: en.invitations.email, role: en.invitations.role, send: en.invitations.send }) {
    const form = page.getByRole('form', { name: labels.form });
    await form.getByLabel(labels.email, { exact: true }).fill(email);
    await form.getByLabel(labels.role, { exact: true }).selectOption({ label: role });
    await form.getByRole('button', { name: labels.send, exact: true }).click();
  }

  const pendingRow = (page: Page, email: string) => page.getByRole('table', { name: en.invitations.pendingTitle }).getByRole('row').filter({ hasText: email });

  it('an owner invites a new address; the invitee signs up from the mailed link, comes back, accepts and joins with the invited role', async () => {
    const owner = await newUser(web.t);
    const organizationId = await newOrganization(web.t, owner.token, 'Invite Co');
    const ownerPage = await web.open();
    await signIn(ownerPage, owner.email);
    await heading(ownerPage, en.account.title);
    await openMembers(ownerPage, organizationId, 'Invite Co');
    await ownerPage.getByText(en.invitations.noPending).waitFor();
    // An owner may invite an owner.
    const roles = ownerPage.getByRole('form', { name: en.invitations.inviteTitle }).getByRole('option');
    await expect(roles.allTextContents()).resolves.toEqual([en.organizations.roles.OWNER, en.organizations.roles.ADMIN, en.organizations.roles.MEMBER]);

    const invitee = uniqueEmail('invitee');
    const mailsBefore = web.t.inbox.messages.length;
    await invite(ownerPage, invitee, en.organizations.roles.ADMIN);
    await ownerPage.getByText(en.invitations.sent(invitee)).waitFor();
    await pendingRow(ownerPage, invitee).getByRole('cell', { name: en.organizations.roles.ADMIN, exact: true }).waitFor();
    await screenshot(ownerPage, 'invitations-pending');
    const link = await invitationLinkFor(web.t, invitee, mailsBefore);
    expect(link.startsWith(`${web.baseUrl}/invitations/accept?token=inv_`)).toBe(true);

    // A fresh browser, signed out: the link explains, and signing up comes back to it.
    const inviteePage = await web.open();
    await inviteePage.goto(link);
    await heading(inviteePage, en.invitations.acceptTitle);
    await inviteePage.getByText(en.invitations.signedOutIntro).waitFor();
    await screenshot(inviteePage, 'invitation-signed-out');
    await button(inviteePage, en.invitations.toSignUp).click();
    await heading(inviteePage, en.signUp.title);
    await inviteePage.getByLabel(en.signUp.email).fill(invitee);
    await inviteePage.getByLabel(en.signUp.password).fill(DEFAULT_PASSWORD);
    await button(inviteePage, en.signUp.submit).click();
    await heading(inviteePage, en.invitations.acceptTitle);
    expect(new URL(inviteePage.url()).hash).toMatch(/^#\/invitations\/accept\?token=inv_/);
    await inviteePage.getByText(en.invitations.signedInIntro(invitee)).waitFor();
    await inviteePage.getByText(en.invitations.details('Invite Co', en.organizations.roles.ADMIN)).waitFor();
    await button(inviteePage, en.invitations.accept).click();
    await heading(inviteePage, `Invite Co · ${en.organizations.securityTab}`);
    await inviteePage.getByText(en.organizations.yourRole(en.organizations.roles.ADMIN)).waitFor();

    // Answered: the start page is the account again, not the invitation.
    await inviteePage.goto(`${web.baseUrl}/#/`);
    await heading(inviteePage, en.account.title);

    // The owner's list: a member now, no longer pending.
    await ownerPage.reload();
    await heading(ownerPage, `Invite Co · ${en.organizations.membersTab}`);
    await ownerPage.getByText(en.invitations.noPending).waitFor();
    await ownerPage.getByRole('combobox', { name: en.organizations.roleOf(invitee) }).waitFor();
    await expect(ownerPage.getByRole('combobox', { name: en.organizations.roleOf(invitee) }).inputValue()).resolves.toBe('ADMIN');
  });

  it('a revoked invitation: the link, opened and signed in to by the invitee, says it is no longer valid', async () => {
    const owner = await newUser(web.t);
    const invitee = await newUser(web.t);
    const organizationId = await newOrganization(web.t, owner.token, 'Revoke Co');
    const ownerPage = await web.open();
    await signIn(ownerPage, owner.email);
    await heading(ownerPage, en.account.title);
    await openMembers(ownerPage, organizationId, 'Revoke Co');
    const mailsBefore = web.t.inbox.messages.length;
    await invite(ownerPage, invitee.email, en.organizations.roles.MEMBER);
    await ownerPage.getByText(en.invitations.sent(invitee.email)).waitFor();
    const link = await invitationLinkFor(web.t, invitee.email, mailsBefore);

    await pendingRow(ownerPage, invitee.email).getByRole('button', { name: en.invitations.revokeLabel(invitee.email) }).click();
    await ownerPage.getByText(en.invitations.revoked(invitee.email)).waitFor();
    await ownerPage.getByText(en.invitations.noPending).waitFor();

    // Signed out at first: signing in comes back to the invitation, which no longer works.
    const inviteePage = await web.open();
    await inviteePage.goto(link);
    await heading(inviteePage, en.invitations.acceptTitle);
    await button(inviteePage, en.invitations.toSignIn).click();
    await signIn(inviteePage, invitee.email);
    await heading(inviteePage, en.invitations.acceptTitle);
    await button(inviteePage, en.invitations.accept).click();
    expect(await alertText(inviteePage)).toBe(en.invitations.notValid);
    await expect(button(inviteePage, en.invitations.accept).count()).resolves.toBe(0);
    await screenshot(inviteePage, 'invitation-not-valid');
    await inviteePage.getByRole('link', { name: en.invitations.toOrganizations }).click();
    await heading(inviteePage, en.organizations.title);
    await inviteePage.getByText(en.organizations.none).waitFor();
  });

  it('an invitee with 2FA comes back to the invitation after the second step, and joins', async () => {
    const owner = await newUser(web.t);
    const invitee = await newUserWithTwoFactor(web.t);
    const organizationId = await newOrganization(web.t, owner.token, 'Second Step Co');
    const mailsBefore = web.t.inbox.messages.length;
    await inviteOrganizationMember(web.t, owner.token, { organizationId, email: invitee.email, role: 'MEMBER' });
    const link = await invitationLinkFor(web.t, invitee.email, mailsBefore);

    const page = await web.open();
    await page.goto(link);
    await heading(page, en.invitations.acceptTitle);
    await button(page, en.invitations.toSignIn).click();
    web.t.clock.advanceSeconds(30);
    await signIn(page, invitee.email);
    await heading(page, en.secondStep.title);
    await page.getByLabel(en.secondStep.code).fill(totpCode(invitee.secret, web.t.clock));
    await button(page, en.secondStep.submit).click();
    await heading(page, en.invitations.acceptTitle);
    await button(page, en.invitations.accept).click();
    await heading(page, `Second Step Co · ${en.organizations.membersTab}`);
    await page.getByText(en.organizations.yourRole(en.organizations.roles.MEMBER)).waitFor();
  });

  it('an existing user sees the invitation under My invitations, with its 2FA requirement, and declines it', async () => {
    const owner = await newUserWithTwoFactor(web.t);
    const organizationId = await newOrganization(web.t, owner.token, 'Strict Co');
    const required = await updateOrganizationSecuritySettings(web.t, owner.token, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 48 });
    expect(required.errors).toBeUndefined();
    const invitee = await newUser(web.t);
    // An account lists invitations once it has confirmed its email (here: the code of a 2FA setup).
    await confirmEmail(web.t, invitee);
    const mailsBefore = web.t.inbox.messages.length;
    expect((await inviteOrganizationMember(web.t, owner.token, { organizationId, email: invitee.email, role: 'MEMBER' })).errors).toBeUndefined();
    const link = await invitationLinkFor(web.t, invitee.email, mailsBefore);

    const page = await web.open();
    await signIn(page, invitee.email);
    await heading(page, en.account.title);
    await page.getByRole('button', { name: en.header.profileMenu(invitee.email) }).click();
    await button(page, en.header.organizationManagement).click();
    await heading(page, en.organizations.title);
    const mine = page.getByRole('region', { name: en.invitations.mineTitle });
    const row = mine.getByRole('row').filter({ hasText: 'Strict Co' });
    await row.getByRole('cell', { name: en.organizations.roles.MEMBER, exact: true }).waitFor();
    await row.getByRole('cell', { name: en.invitations.requiresTwoFactor, exact: true }).waitFor();
    await screenshot(page, 'my-invitations');

    await page.goto(link);
    await heading(page, en.invitations.acceptTitle);
    await page.getByText(en.invitations.twoFactorNotice).waitFor();
    await button(page, en.invitations.decline).click();
    await page.getByText(en.invitations.declined).waitFor();
    const listed = page.waitForResponse((response) => response.url().endsWith('/graphql') && (response.request().postData() ?? '').includes('MyInvitations'));
    await page.getByRole('link', { name: en.invitations.toOrganizations }).click();
    await heading(page, en.organizations.title);
    await listed;
    // The section stays, with the hint of where invitations come from, and no invitation in it.
    await mine.getByText(en.invitations.mineEmpty).waitFor();
    await expect(mine.getByRole('row').count()).resolves.toBe(0);
    // Declined means gone: the link no longer accepts.
    expect(errorCode(await acceptInvitation(web.t, invitee.token, new URL(link).searchParams.get('token')!))).toBe('NOT_FOUND');
    expect((await myInvitations(web.t, invitee.token)).data?.myInvitations).toEqual([]);
  });

  it('joining an organization that requires 2FA says by when to turn it on', async () => {
    const owner = await newUserWithTwoFactor(web.t);
    const organizationId = await newOrganization(web.t, owner.token, 'Grace Co');
    await updateOrganizationSecuritySettings(web.t, owner.token, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 48 });
    const invitee = await newUser(web.t);
    const mailsBefore = web.t.inbox.messages.length;
    await inviteOrganizationMember(web.t, owner.token, { organizationId, email: invitee.email, role: 'MEMBER' });
    const token = await invitationTokenFor(web.t, invitee.email, mailsBefore);

    const page = await web.open();
    await signIn(page, invitee.email);
    await heading(page, en.account.title);
    await page.goto(`${web.baseUrl}/invitations/accept?token=${encodeURIComponent(token)}`);
    await heading(page, en.invitations.acceptTitle);
    const deadline = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(web.t.clock.now().getTime() + 48 * 3600_000));
    await button(page, en.invitations.accept).click();
    await heading(page, en.invitations.joinedTitle('Grace Co'));
    await page.getByText(en.invitations.setUpBy('Grace Co', deadline)).waitFor();
    await screenshot(page, 'invitation-joined-needs-two-factor');
    await button(page, en.invitations.toOrganization).click();
    await heading(page, `Grace Co · ${en.organizations.membersTab}`);
    await page.getByText(en.organizations.yourRole(en.organizations.roles.MEMBER)).waitFor();
  });

  it('inviting a current member says they are already one, and an admin cannot invite an owner', async () => {
    const owner = await newUser(web.t);
    const organizationId = await newOrganization(web.t, owner.token, 'Conflict Co');
    const page = await web.open();
    await signIn(page, owner.email);
    await heading(page, en.account.title);
    await openMembers(page, organizationId, 'Conflict Co');
    await invite(page, owner.email, en.organizations.roles.MEMBER);
    expect(await alertText(page)).toBe(en.errors.alreadyMember);
    await page.getByText(en.invitations.noPending).waitFor();

    const admin = await newUser(web.t);
    await addMember(web.t, owner.token, organizationId, admin.email, 'ADMIN');
    const adminPage = await web.open();
    await signIn(adminPage, admin.email);
    await heading(adminPage, en.account.title);
    await openMembers(adminPage, organizationId, 'Conflict Co');
    const roles = adminPage.getByRole('form', { name: en.invitations.inviteTitle }).getByRole('option');
    await expect(roles.allTextContents()).resolves.toEqual([en.organizations.roles.ADMIN, en.organizations.roles.MEMBER]);
  });

  it('in Korean: the owner invites, and the invitee signs in from the link and joins', async () => {
    const owner = await newUser(web.t);
    const invitee = await newUser(web.t);
    const organizationId = await newOrganization(web.t, owner.token, '한국 조직');
    const korean = { title: '로그인', email: '이메일', password: '비밀번호', submit: '로그인' };
    const form = { form: '멤버 초대', email: '이메일 주소', role: '역할', send: '초대 보내기' };

    const ownerPage = await web.open({ locale: 'ko-KR' });
    await signIn(ownerPage, owner.email, korean);
    await heading(ownerPage, '계정관리');
    await openMembers(ownerPage, organizationId, '한국 조직', '멤버');
    await ownerPage.getByText('대기 중인 초대가 없습니다.').waitFor();
    await invite(ownerPage, owner.email, '멤버', form);
    expect(await alertText(ownerPage)).toBe('이미 조직의 멤버인 사용자입니다.');
    const mailsBefore = web.t.inbox.messages.length;
    await invite(ownerPage, invitee.email, '관리자', form);
    await ownerPage.getByText(`${invitee.email}에게 초대를 보냈습니다.`).waitFor();
    await screenshot(ownerPage, 'ko-invitations-pending');
    const link = await invitationLinkFor(web.t, invitee.email, mailsBefore);

    const inviteePage = await web.open({ locale: 'ko-KR' });
    await inviteePage.goto(link);
    await heading(inviteePage, '조직 초대');
    await button(inviteePage, '로그인').click();
    await signIn(inviteePage, invitee.email, korean);
    await heading(inviteePage, '조직 초대');
    await inviteePage.getByText('한국 조직, 역할: 관리자.').waitFor();
    await screenshot(inviteePage, 'ko-invitation-signed-in');
    await button(inviteePage, '수락').click();
    await heading(inviteePage, '한국 조직 · 보안 설정');
    await inviteePage.getByText('내 역할: 관리자').waitFor();
  });
});
