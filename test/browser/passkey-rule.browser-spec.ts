import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en';
import { ko } from '../../web/src/i18n/ko';
import { addMember, newOrganization } from '../support/organizations';
import { addPasskey } from '../support/passkeys';
import type { TestApp } from '../support/test-app';
import { type EnabledTwoFactor, newUserWithTwoFactor, totpCode } from '../support/two-factor';
import type { SignedIn } from '../support/operations';
import { button, type ConsolePage, heading, launchChromium, openConsole, screenshot, startConsoleServer } from './support/console-browser';

/**
 * An admin held by an organization's passkeys-only rule, in a real Chromium with its virtual
 * authenticator: the console explains the hold, the admin registers a key and signs in with it
 * alone, in English and in Korean.
 */
describe('web console: an organization that accepts only passkeys from its admins', () => {
  let t: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let organizationName: string;
  const opened: ConsolePage[] = [];

  beforeAll(async () => {
    ({ t, baseUrl } = await startConsoleServer({ hostName: 'localhost' }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A new tab with a virtual passkey-capable device of its own, saying yes to every check. */
  async function deviceTab(): Promise<{ page: Page; cdp: CDPSession }> {
    const console = await openConsole(browser, baseUrl);
    opened.push(console);
    const cdp = await console.context.newCDPSession(console.page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    return { page: console.page, cdp };
  }

  /** An ADMIN of a fresh organization whose rule (2FA required, no grace) accepts only passkeys from admins. */
  async function heldAdmin(): Promise<SignedIn & EnabledTwoFactor> {
    const owner = await newUserWithTwoFactor(t);
    await addPasskey(t, owner, owner.token);
    organizationName = `Keys Only ${Date.now() % 10_000}`;
    const organizationId = await newOrganization(t, owner.token, organizationName);
    const admin = await newUserWithTwoFactor(t);
    await addMember(t, owner.token, organizationId, admin.email, 'ADMIN');
    const set = await t.gql(
      'mutation($input: UpdateOrganizationSecuritySettingsInput!) { updateOrganizationSecuritySettings(input: $input) { adminSecondFactors } }',
      { input: { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 0, adminSecondFactors: 'PHISHING_RESISTANT' } },
      owner.token,
    );
    expect(set.errors).toBeUndefined();
    return admin;
  }

  async function signInWithCode(page: Page, user: SignedIn & EnabledTwoFactor, labels: typeof en) {
    await heading(page, labels.signIn.title);
    await page.getByLabel(labels.signIn.email).fill(user.email);
    await page.getByLabel(labels.signIn.password).fill(user.password);
    await button(page, labels.signIn.submit).click();
    await heading(page, labels.secondStep.title);
    t.clock.advanceSeconds(30);
    await page.getByLabel(labels.secondStep.code).fill(totpCode(user.secret, t.clock));
    await button(page, labels.secondStep.submit).click();
  }

  async function registerAndSignInAgain(page: Page, admin: SignedIn, labels: typeof en, shot: string) {
    await heading(page, labels.setup.passkeyHoldTitle);
    await page.getByText(labels.setup.passkeyHoldIntro(organizationName)).waitFor();
    await page.getByText(labels.setup.passkeyHoldNoKey).waitFor();
    await screenshot(page, shot);
    await page.getByLabel(labels.passkeys.password).fill(admin.password);
    await page.getByLabel(labels.passkeys.newName).fill('Laptop');
    await button(page, labels.passkeys.create).click();
    await page.getByText(labels.setup.passkeyHoldAdded('Laptop')).waitFor();

    await button(page, labels.setup.passkeyHoldSignOut).click();
    await heading(page, labels.signIn.title);
    await button(page, labels.signIn.withPasskey).click();
    await heading(page, labels.account.title);
    await page.getByRole('button', { name: labels.header.profileMenu(admin.email) }).waitFor();
  }

  it('holds an admin who signed in with an app code until a passkey is registered and used', async () => {
    const admin = await heldAdmin();
    const { page } = await deviceTab();

    await signInWithCode(page, admin, en);
    await registerAndSignInAgain(page, admin, en, 'passkey-rule-held');

    // The passkey session is not held: the organization's pages open.
    await page.getByRole('button', { name: en.header.profileMenu(admin.email) }).click();
    await button(page, en.header.organizationManagement).click();
    await heading(page, en.organizations.title);
    expect(opened[0]!.problems.splice(0)).toEqual([]);
  });

  it('in Korean', async () => {
    const admin = await heldAdmin();
    const { page } = await deviceTab();
    await button(page, ko.languageName).click();

    await signInWithCode(page, admin, ko as unknown as typeof en);
    await registerAndSignInAgain(page, admin, ko as unknown as typeof en, 'ko-passkey-rule-held');
    expect(opened[1]!.problems.splice(0)).toEqual([]);
  });
});
