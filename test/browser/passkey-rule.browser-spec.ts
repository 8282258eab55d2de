import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en';
import { addMember, newOrganization } from '../support/organizations';
import { addPasskey } from '../support/passkeys';
import { type EnabledTwoFactor, newUserWithTwoFactor, totpCode } from '../support/two-factor';
import type { SignedIn } from '../support/operations';
import { button, heading, screenshot, useConsoleBrowser } from './support/console-browser';
import { PasskeyDevice } from './support/passkey-device';

/** The console's words these tests click and read, in each language. */
interface Labels {
  signIn: { title: string; email: string; password: string; submit: string; withPasskey: string };
  secondStep: { title: string; code: string; submit: string };
  setup: {
    passkeyHoldTitle: string;
    passkeyHoldIntro: (organizations: string) => string;
    passkeyHoldDeadline: (deadline: string) => string;
    passkeyHoldNoKey: string;
    passkeyHoldAdded: (name: string) => string;
    passkeyHoldSignOut: string;
  };
  passkeys: { password: string; newName: string; create: string };
  account: { title: string };
  header: { profileMenu: (email: string) => string };
}

const EN: Labels = en;
// Written out rather than imported: web/src/i18n/ko.ts's relative import does not type-check under the server's tsconfig.
const KO: Labels = {
  signIn: { title: '로그인', email: '이메일', password: '비밀번호', submit: '로그인', withPasskey: '패스키로 로그인' },
  secondStep: { title: '2단계 인증', code: '인증 코드', submit: '로그인' },
  setup: {
    passkeyHoldTitle: '조직에서 패스키와 보안 키만 허용합니다',
    passkeyHoldIntro: (organizations) =>
      `${organizations}은(는) 가짜 사이트에 속아 넘겨줄 수 있는 인증 앱 코드를 회원님의 역할에 더 이상 허용하지 않습니다. 패스키나 보안 키로 로그인하세요.`,
    passkeyHoldDeadline: (deadline) => `추가 기한은 ${deadline}이었습니다. 패스키나 보안 키로 로그인할 때까지 키 추가만 할 수 있습니다.`,
    passkeyHoldNoKey: '아래에서 패스키나 보안 키를 추가한 뒤 로그아웃하고 그 키로 다시 로그인하세요.',
    passkeyHoldAdded: (name) => `패스키 "${name}"을(를) 추가했습니다. 로그아웃한 뒤 "패스키로 로그인"을 선택하세요.`,
    passkeyHoldSignOut: '로그아웃하고 패스키로 로그인하기',
  },
  passkeys: { password: '비밀번호', newName: '패스키 이름', create: '계속' },
  account: { title: '계정관리' },
  header: { profileMenu: (email) => `${email} 프로필 메뉴` },
};

/** Security Settings' words, in Korean. */
const KO_SETTINGS = {
  adminFactors: '소유자와 관리자에게 허용하는 2단계 인증 수단',
  memberFactors: '멤버에게 허용하는 2단계 인증 수단',
  options: ['모두 허용: 인증 앱, 패스키, 보안 키', '패스키와 보안 키만 허용(피싱 방지)'],
  factorsHint:
    '2단계 인증이 의무일 때 "패스키와 보안 키만"을 선택하면: 해당 역할의 멤버가 패스키를 등록하면 인증 앱 코드는 더 이상 사용할 수 없고, 패스키가 없는 멤버는 유예 기간 안에 등록해야 하며, 코드로 로그인한 세션은 패스키로 다시 로그인해야 합니다. 복구 코드로는 새 키를 등록하기 위해서만 로그인할 수 있습니다. 이 옵션을 선택하려면 본인 계정에 패스키가 있어야 합니다.',
  holdHasKey: '패스키가 있습니다. 로그아웃한 뒤 "패스키로 로그인"을 선택하세요. 패스키를 잃어버렸다면 먼저 아래에서 새로 추가하세요.',
};

/**
 * An admin held by an organization's passkeys-only rule, in a real Chromium with its virtual
 * authenticator: the console explains the hold, the admin registers a key and signs in with it
 * alone, in English and in Korean.
 */
describe('web console: an organization that accepts only passkeys from its admins', () => {
  const web = useConsoleBrowser({ hostName: 'localhost' });
  let organizationName: string;
  /** When the held admin joined: with no grace period, the deadline the hold names. */
  let joinedAt: Date;

  /** A new tab with a virtual passkey-capable device of its own, saying yes to every check (checked and closed after the test, as `open()` does). */
  async function deviceTab(): Promise<{ page: Page; device: PasskeyDevice }> {
    const page = await web.open();
    return { page, device: await PasskeyDevice.attach(page) };
  }

  /** An ADMIN of a fresh organization whose rule (2FA required, no grace) accepts only passkeys from admins. */
  async function heldAdmin(): Promise<SignedIn & EnabledTwoFactor> {
    const owner = await newUserWithTwoFactor(web.t);
    await addPasskey(web.t, owner, owner.token);
    organizationName = `Keys Only ${Date.now() % 10_000}`;
    const organizationId = await newOrganization(web.t, owner.token, organizationName);
    const admin = await newUserWithTwoFactor(web.t);
    await addMember(web.t, owner.token, organizationId, admin.email, 'ADMIN');
    joinedAt = web.t.clock.now();
    const set = await web.t.gql(
      'mutation($input: UpdateOrganizationSecuritySettingsInput!) { updateOrganizationSecuritySettings(input: $input) { adminSecondFactors } }',
      { input: { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 0, adminSecondFactors: 'PHISHING_RESISTANT' } },
      owner.token,
    );
    expect(set.errors).toBeUndefined();
    return admin;
  }

  async function signInWithCode(page: Page, user: SignedIn & EnabledTwoFactor, labels: Labels) {
    await heading(page, labels.signIn.title);
    await page.getByLabel(labels.signIn.email).fill(user.email);
    await page.getByLabel(labels.signIn.password).fill(user.password);
    await button(page, labels.signIn.submit).click();
    await heading(page, labels.secondStep.title);
    web.t.clock.advanceSeconds(30);
    await page.getByLabel(labels.secondStep.code).fill(totpCode(user.secret, web.t.clock));
    await button(page, labels.secondStep.submit).click();
  }

  /**
   * From the hold: adds a key, signs out and signs in with the key alone, picked from the email
   * field's autofill (the virtual device answers the waiting request at once, as a person picking it
   * would) or through the button (the autofill's request then waits, as when nobody picks from it).
   */
  async function registerAndSignInAgain(page: Page, device: PasskeyDevice, admin: SignedIn, labels: Labels, way: 'autofill' | 'button', shot: string) {
    await heading(page, labels.setup.passkeyHoldTitle);
    await page.getByText(labels.setup.passkeyHoldIntro(organizationName)).waitFor();
    // By when: the grace period (none here) counted from joining, in the page's language and time zone.
    const locale = labels === EN ? 'en' : 'ko';
    const deadline = await page.evaluate(
      ([iso, lang]) => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso!)),
      [joinedAt.toISOString(), locale],
    );
    await page.getByText(labels.setup.passkeyHoldDeadline(deadline)).waitFor();
    await page.getByText(labels.setup.passkeyHoldNoKey).waitFor();
    await screenshot(page, shot);
    await page.getByLabel(labels.passkeys.password).fill(admin.password);
    await page.getByLabel(labels.passkeys.newName).fill('Laptop');
    await button(page, labels.passkeys.create).click();
    await page.getByText(labels.setup.passkeyHoldAdded('Laptop')).waitFor();

    const from = (await device.requests()).length;
    if (way === 'autofill') {
      await button(page, labels.setup.passkeyHoldSignOut).click();
      await expect.poll(async () => (await device.requests()).slice(from)).toEqual([{ mediation: 'conditional', aborted: false, outcome: 'answered' }]);
    } else {
      await device.answerAtOnce(false);
      await button(page, labels.setup.passkeyHoldSignOut).click();
      await heading(page, labels.signIn.title);
      await device.pendingAutofill();
      await device.answerAtOnce(true);
      await button(page, labels.signIn.withPasskey).click();
    }
    await heading(page, labels.account.title);
    await page.getByRole('button', { name: labels.header.profileMenu(admin.email) }).waitFor();
  }

  it('holds an admin who signed in with an app code until a passkey is registered and used', async () => {
    const admin = await heldAdmin();
    const { page, device } = await deviceTab();

    await signInWithCode(page, admin, EN);
    await registerAndSignInAgain(page, device, admin, EN, 'autofill', 'passkey-rule-held');

    // The passkey session is not held: the organization's pages open.
    await page.getByRole('button', { name: en.header.profileMenu(admin.email) }).click();
    await button(page, en.header.organizationManagement).click();
    await heading(page, en.organizations.title);
  });

  it('in Korean', async () => {
    const admin = await heldAdmin();
    const { page, device } = await deviceTab();
    await button(page, '한국어').click();

    await signInWithCode(page, admin, KO);
    await registerAndSignInAgain(page, device, admin, KO, 'button', 'ko-passkey-rule-held');
  });
  it("offers the rule per role in Security Settings with what it means for members, and only to an owner with a passkey, in English and in Korean", async () => {
    const owner = await newUserWithTwoFactor(web.t);
    const organizationId = await newOrganization(web.t, owner.token, 'Settings Co');
    const { page } = await deviceTab();
    await signInWithCode(page, owner, EN);
    await heading(page, en.account.title);
    await page.goto(`${web.baseUrl}/#/organizations/${organizationId}/security`);
    await heading(page, `Settings Co · ${en.organizations.securityTab}`);
    const adminFactors = page.getByLabel(en.organizations.adminFactors);
    expect(await adminFactors.locator('option').allTextContents()).toEqual([en.organizations.factorsAny, en.organizations.factorsPhishingResistant]);
    expect(await page.getByLabel(en.organizations.memberFactors).inputValue()).toBe('ANY');
    await page.getByText(en.organizations.factorsHint).waitFor();

    // Without a passkey of their own the owner is told to add one first.
    await page.getByLabel(en.organizations.requireTwoFactor).check();
    await adminFactors.selectOption('PHISHING_RESISTANT');
    await button(page, en.save).click();
    await page.getByText(en.organizations.needsOwnPasskey).waitFor();

    // In Korean, with a passkey added meanwhile: saved, and the owner's own code-made session is held.
    await addPasskey(web.t, owner, owner.token);
    await button(page, '한국어').click();
    await heading(page, `Settings Co · 보안 설정`);
    await page.getByText(KO_SETTINGS.factorsHint).waitFor();
    expect(await page.getByLabel(KO_SETTINGS.adminFactors).locator('option').allTextContents()).toEqual(KO_SETTINGS.options);
    await page.getByLabel(KO_SETTINGS.memberFactors).waitFor();
    await screenshot(page, 'ko-passkey-rule-settings');
    await button(page, '저장').click();
    await heading(page, KO.setup.passkeyHoldTitle);
    await page.getByText(KO_SETTINGS.holdHasKey).waitFor();
    const saved = await web.t.gql('{ myOrganizations { securitySettings { requireTwoFactor adminSecondFactors memberSecondFactors } } }', {}, owner.token);
    expect(saved.data!.myOrganizations[0].securitySettings).toEqual({ requireTwoFactor: true, adminSecondFactors: 'PHISHING_RESISTANT', memberSecondFactors: 'ANY' });
  });
});
