import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en';
import { ko } from '../../web/src/i18n/ko';
import { login, newUser, type SignedIn } from '../support/operations';
import { addMember, newOrganization, updateOrganizationSecuritySettings } from '../support/organizations';
import { newUserWithTwoFactor, totpCode, twoFactorStatus, verifyLoginSecondFactor } from '../support/two-factor';
import { alertText, button, heading, screenshot, useConsoleBrowser } from './support/console-browser';

type Dictionary = typeof en;
type TwoFactorUser = SignedIn & { secret: string; recoveryCodes: string[] };

const LANGUAGES = [
  { name: 'English', d: en, locale: 'en-US' },
  { name: 'Korean', d: ko, locale: 'ko-KR' },
] as const;

/**
 * Issue 25's account safety in the console, in a real Chromium against the real server, in both
 * languages: the few-recovery-codes warning, moving to a new phone, the warning before disabling a
 * required 2FA, and the Account Management tabs on a 375 px phone.
 */
describe('web console: account safety', () => {
  const web = useConsoleBrowser();

  async function signInWithPassword(page: Page, d: Dictionary, user: SignedIn) {
    await heading(page, d.signIn.title);
    await page.getByLabel(d.signIn.email).fill(user.email);
    await page.getByLabel(d.signIn.password).fill(user.password);
    await button(page, d.signIn.submit).click();
  }

  /** Password, then the code the app shows one step later (the last one it showed is spent). */
  async function signInWithCode(page: Page, d: Dictionary, user: SignedIn, secret: string) {
    await signInWithPassword(page, d, user);
    await heading(page, d.secondStep.title);
    web.t.clock.advanceSeconds(30);
    await page.getByLabel(d.secondStep.code).fill(totpCode(secret, web.t.clock));
    await button(page, d.secondStep.submit).click();
    await heading(page, d.account.title);
  }

  async function signOut(page: Page, d: Dictionary, user: SignedIn) {
    await page.getByRole('button', { name: d.header.profileMenu(user.email) }).click();
    await button(page, d.header.signOut).click();
    await page.getByText(d.signIn.signedOut).waitFor();
  }

  /** Spends recovery codes at sign-ins through the API, as if the user had signed in with them elsewhere. */
  async function spendRecoveryCodes(user: TwoFactorUser, codes: string[]) {
    for (const recoveryCode of codes) {
      const pending = (await login(web.t, { email: user.email, password: user.password })).data!.login.accessToken;
      expect((await verifyLoginSecondFactor(web.t, pending, { recoveryCode })).errors).toBeUndefined();
    }
  }

  for (const { name, d, locale } of LANGUAGES) {
    describe(`in ${name}`, () => {
      it('warns when 3 recovery codes are left, and "Reissue recovery codes" replaces them and ends the warning', async () => {
        const user = await newUserWithTwoFactor(web.t);
        await spendRecoveryCodes(user, user.recoveryCodes.slice(0, 6));
        const page = await web.open({ locale });

        // The seventh code, at the console's own second step, leaves three.
        await signInWithPassword(page, d, user);
        await heading(page, d.secondStep.title);
        await button(page, d.secondStep.useRecoveryCode).click();
        await page.getByLabel(d.secondStep.recoveryCode).fill(user.recoveryCodes[6]!);
        await button(page, d.secondStep.submit).click();
        await page.getByText(d.twoFactor.recoveryCodesLeft(3)).waitFor();
        const warning = page.getByRole('status').filter({ hasText: d.twoFactor.recoveryCodesLow });
        await warning.waitFor();
        await screenshot(page, `${locale}-recovery-codes-low`);

        await warning.getByRole('button', { name: d.twoFactor.recoveryCodesLowAction, exact: true }).click();
        await heading(page, d.reissue.title);
        await page.getByLabel(d.reissue.password).fill(user.password);
        await button(page, d.next).click();
        await heading(page, d.reissue.savedTitle);
        const fresh = await page.getByRole('list', { name: d.recoveryCodes.listLabel }).getByRole('listitem').allTextContents();
        expect(fresh).toHaveLength(10);
        expect(fresh.filter((code) => user.recoveryCodes.includes(code))).toEqual([]);
        await page.getByLabel(d.recoveryCodes.savedCheckbox).check();
        await button(page, d.recoveryCodes.complete).click();
        await heading(page, d.reissue.doneTitle);
        await button(page, d.done).click();

        await page.getByText(d.twoFactor.recoveryCodesLeft(10)).waitFor();
        await expect(page.getByText(d.twoFactor.recoveryCodesLow).count()).resolves.toBe(0);
        // The old set's last codes are gone with it; the new set signs in.
        const pending = (await login(web.t, { email: user.email, password: user.password })).data!.login.accessToken;
        expect((await verifyLoginSecondFactor(web.t, pending, { recoveryCode: user.recoveryCodes[7] })).errors?.[0]?.extensions.code).toBe('INVALID_CODE');
        expect((await verifyLoginSecondFactor(web.t, pending, { recoveryCode: fresh[0] })).errors).toBeUndefined();
      });

      it('moves 2-step verification to a new phone: the old app is refused, the new one signs in', async () => {
        const user = await newUserWithTwoFactor(web.t);
        const page = await web.open({ locale });
        await signInWithCode(page, d, user, user.secret);

        await button(page, d.twoFactor.move).click();
        await heading(page, d.move.title);
        await page.getByLabel(d.disable.password).fill(user.password);
        await button(page, d.next).click();
        await heading(page, d.disable.factorTitle);
        web.t.clock.advanceSeconds(30);
        await page.getByRole('textbox', { name: d.disable.code }).fill(totpCode(user.secret, web.t.clock));
        await button(page, d.next).click();

        // The enrollment's screen: QR code and the manual key in groups of four, copied without the spaces.
        await heading(page, d.setup.scanTitle);
        await page.getByRole('img', { name: d.setup.qrAlt('DFINERY', user.email) }).waitFor();
        const shown = (await page.getByTestId('manual-key').textContent())!;
        expect(shown).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{4}){7}$/);
        await button(page, d.setup.copyKey).click();
        await page.getByText(d.setup.keyCopied).waitFor();
        const newSecret = (await page.evaluate('navigator.clipboard.readText()')) as string;
        expect(newSecret).toBe(shown.replaceAll(' ', ''));
        expect(newSecret).not.toBe(user.secret);
        await screenshot(page, `${locale}-move-to-new-phone`);

        // A code of the old app does not confirm the new one.
        web.t.clock.advanceSeconds(30);
        await page.getByLabel(d.move.newCode).fill(totpCode(user.secret, web.t.clock));
        await button(page, d.setup.verify).click();
        expect([d.errors.INVALID_CODE, ...[1, 2, 3, 4].map(d.errors.invalidCodeTriesLeft)]).toContain(await alertText(page));
        await page.getByLabel(d.move.newCode).fill(totpCode(newSecret, web.t.clock));
        await button(page, d.setup.verify).click();
        await heading(page, d.move.doneTitle);
        await button(page, d.done).click();
        await page.getByText(d.twoFactor.enabled).waitFor();

        await signOut(page, d, user);
        await signInWithPassword(page, d, user);
        await heading(page, d.secondStep.title);
        web.t.clock.advanceSeconds(30);
        await page.getByLabel(d.secondStep.code).fill(totpCode(user.secret, web.t.clock));
        await button(page, d.secondStep.submit).click();
        expect(await alertText(page)).toBe(d.errors.invalidCodeTriesLeft(4));
        await page.getByLabel(d.secondStep.code).fill(totpCode(newSecret, web.t.clock));
        await button(page, d.secondStep.submit).click();
        await heading(page, d.account.title);
        await page.getByText(d.twoFactor.enabled).waitFor();
      });
    });
  }

  it('in English: warns before disabling a 2FA that Acme requires, by the deadline it keeps; Keep it on changes nothing', async () => {
    const owner = await newUserWithTwoFactor(web.t);
    const organizationId = await newOrganization(web.t, owner.token, 'Acme');
    const member = await newUserWithTwoFactor(web.t);
    await addMember(web.t, owner.token, organizationId, member.email);
    expect((await updateOrganizationSecuritySettings(web.t, owner.token, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 48 })).errors).toBeUndefined();
    const deadline = web.t.clock.now().getTime() + 48 * 3600_000;
    const deadlineDay = new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(deadline);

    const page = await web.open();
    await signInWithCode(page, en, member, member.secret);
    await button(page, en.twoFactor.disable).click();
    await heading(page, en.disable.requiredTitle);
    const warning = (await page.locator('.warning').textContent())!;
    expect(warning).toMatch(/^2-step verification is required by Acme\. If you turn it off, you will have to set it up again by .+; after that, you can only set it up/);
    expect(warning).toContain(deadlineDay);
    await page.getByText(en.disable.removes).waitFor();
    // Nothing asked yet, so nothing can have changed.
    await expect(page.getByLabel(en.disable.password).count()).resolves.toBe(0);
    await screenshot(page, 'en-disable-required-warning');

    await button(page, en.disable.keepOn).click();
    await page.getByText(en.twoFactor.enabled).waitFor();
    expect((await twoFactorStatus(web.t, member.token)).data!.twoFactorStatus.enabled).toBe(true);

    // Turned off anyway: the tab says by when to set it up, and no longer that it is optional.
    await button(page, en.twoFactor.disable).click();
    await button(page, en.disable.continueAnyway).click();
    await page.getByLabel(en.disable.password).fill(member.password);
    await button(page, en.next).click();
    web.t.clock.advanceSeconds(30);
    await page.getByRole('textbox', { name: en.disable.code }).fill(totpCode(member.secret, web.t.clock));
    await button(page, en.disable.submit).click();
    await heading(page, en.disable.doneTitle);
    expect(await page.getByRole('status').textContent()).toContain(deadlineDay);
    await button(page, en.done).click();
    await page.getByText(en.twoFactor.disabled).waitFor();
    await page.getByText(/Your organization requires 2-step verification. Set it up by/).waitFor();
    await expect(page.getByText(en.twoFactor.recommended).count()).resolves.toBe(0);
  });

  it('in Korean: warns that a 2FA required with no grace left must be set up again at once; 계속 사용 keeps it on', async () => {
    const owner = await newUserWithTwoFactor(web.t);
    const organizationId = await newOrganization(web.t, owner.token, 'Acme');
    const member = await newUserWithTwoFactor(web.t);
    await addMember(web.t, owner.token, organizationId, member.email);
    expect((await updateOrganizationSecuritySettings(web.t, owner.token, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 0 })).errors).toBeUndefined();

    const page = await web.open({ locale: 'ko-KR' });
    await signInWithCode(page, ko, member, member.secret);
    await button(page, ko.twoFactor.disable).click();
    await heading(page, ko.disable.requiredTitle);
    expect(await page.locator('.warning').textContent()).toBe(ko.disable.requiredAtOnce('Acme'));
    await expect(page.getByLabel(ko.disable.password).count()).resolves.toBe(0);
    await screenshot(page, 'ko-disable-required-warning');
    await button(page, ko.disable.keepOn).click();
    await page.getByText(ko.twoFactor.enabled).waitFor();
    expect((await twoFactorStatus(web.t, member.token)).data!.twoFactorStatus.enabled).toBe(true);
  });

  for (const { name, d, locale } of LANGUAGES) {
    it(`in ${name}: fits the Account Management tabs of a 375 px phone in one scrolling row, the current one in sight`, async () => {
      const user = await newUser(web.t);
      const page = await web.open({ locale, width: 375, height: 740 });
      await signInWithPassword(page, d, user);
      await heading(page, d.account.title);
      const tabs = page.getByRole('navigation', { name: d.account.tabs });
      const links = tabs.getByRole('link');
      await expect(links.count()).resolves.toBe(5);

      const tops = new Set<number>();
      for (const box of await Promise.all((await links.all()).map((link) => link.boundingBox()))) tops.add(Math.round(box!.y));
      expect(tops.size).toBeLessThanOrEqual(2);
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      await screenshot(page, `${locale}-phone-tabs`);

      // The last tab, once opened, is scrolled into the row's visible part.
      await links.last().click();
      await heading(page, d.events.title);
      const row = (await tabs.boundingBox())!;
      const current = (await tabs.locator('[aria-current="page"]').boundingBox())!;
      expect(current.x).toBeGreaterThanOrEqual(row.x - 1);
      expect(current.x + current.width).toBeLessThanOrEqual(row.x + row.width + 1);
    });
  }

  it('in Korean: the second step\'s links stand apart from each other', async () => {
    const user = await newUserWithTwoFactor(web.t);
    const page = await web.open({ locale: 'ko-KR', width: 375, height: 740 });
    await signInWithPassword(page, ko, user);
    await heading(page, ko.secondStep.title);
    const first = (await button(page, ko.secondStep.useRecoveryCode).boundingBox())!;
    const second = (await button(page, ko.secondStep.otherAccount).boundingBox())!;
    await screenshot(page, 'ko-second-step');
    const apartSideways = second.x - (first.x + first.width) >= 16 || first.x - (second.x + second.width) >= 16;
    const apartDownwards = second.y - (first.y + first.height) >= 8 || first.y - (second.y + second.height) >= 8;
    expect(apartSideways || apartDownwards).toBe(true);
  });
});
