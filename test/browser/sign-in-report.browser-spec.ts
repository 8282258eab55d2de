import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en';
import { ko } from '../../web/src/i18n/ko';
import { AUTH_FIELDS, DEFAULT_PASSWORD, errorCode, login, me, uniqueEmail } from '../support/operations';
import { USER_AGENT_NAMES } from '../support/user-agents';
import { button, heading, screenshot, useConsoleBrowser } from './support/console-browser';

/**
 * The 'This wasn't me' link of a new-sign-in mail, opened in a real Chromium exactly as mailed,
 * in English and in Korean.
 */
describe("web console: the new-sign-in mail's 'This wasn't me' link", () => {
  // Served where PUBLIC_URL points, so the mailed link opens as it is.
  const web = useConsoleBrowser({ hostName: 'localhost' });

  const ALERT_SUBJECT = /^New sign-in to your account$|^계정에 새로운 로그인이 있습니다$/;
  const RESET_SUBJECT = /^Reset your password$|^비밀번호 재설정$/;
  const [firstBrowser, strangersBrowser] = [USER_AGENT_NAMES[9]![0], USER_AGENT_NAMES[6]![0]];

  /**
   * A user (in `language`) who signed in once, then a sign-in from a stranger's browser that was
   * mailed: the stranger's session and the link exactly as mailed.
   */
  async function mailedSignIn(language: 'en' | 'ko'): Promise<{ email: string; strangerToken: string; link: string }> {
    const email = uniqueEmail(`report-${language}`);
    const signedUp = await web.t.gql(`mutation($input: SignUpInput!) { signUp(input: $input) { ${AUTH_FIELDS} } }`, { input: { email, password: DEFAULT_PASSWORD } }, undefined, {
      'Accept-Language': language,
    });
    expect(signedUp.errors).toBeUndefined();
    await login(web.t, { email, password: DEFAULT_PASSWORD }, { 'User-Agent': firstBrowser });
    const after = web.t.inbox.messages.length;
    const stranger = await login(web.t, { email, password: DEFAULT_PASSWORD }, { 'User-Agent': strangersBrowser });
    const mail = await web.t.inbox.waitFor(email, ALERT_SUBJECT, after);
    const link = /(\S+\/sign-in-report\?token=\S+)/.exec(mail.text)?.[1];
    if (!link) throw new Error(`No report link in mail: ${mail.text}`);
    expect(link.startsWith(`${web.baseUrl}/sign-in-report?token=sir_`)).toBe(true);
    return { email, strangerToken: stranger.data!.login.accessToken as string, link };
  }

  async function reportFrom(page: Page, link: string, dictionary: typeof en) {
    await page.goto(link);
    await heading(page, dictionary.signInReport.title);
    expect(new URL(page.url()).hash).toMatch(/^#\/sign-in-report\?token=sir_/);
    await page.getByText(dictionary.signInReport.ifNotYou).waitFor();
    await button(page, dictionary.signInReport.submit).click();
    await heading(page, dictionary.signInReport.doneTitle);
    await page.getByText(dictionary.signInReport.nextSteps).waitFor();
  }

  it('signs the stranger out from the mailed link, says to check the mail for the reset link, which comes', async () => {
    const { email, strangerToken, link } = await mailedSignIn('en');
    const page = await web.open();
    const after = web.t.inbox.messages.length;
    await page.goto(link);
    await heading(page, en.signInReport.title);
    await screenshot(page, 'sign-in-report');
    await button(page, en.signInReport.submit).click();
    await heading(page, en.signInReport.doneTitle);
    await page.getByText(en.signInReport.nextSteps).waitFor();
    await screenshot(page, 'sign-in-report-done');

    expect(errorCode(await me(web.t, strangerToken))).toBe('UNAUTHENTICATED');
    await web.t.inbox.waitFor(email, RESET_SUBJECT, after);

    // No mail after all? The page leads to a new reset link.
    await page.getByRole('link', { name: en.signInReport.noMail }).click();
    await heading(page, en.recovery.forgotTitle);
  });

  it('in Korean, and the link used twice says the same and does nothing more', async () => {
    const { email, strangerToken, link } = await mailedSignIn('ko');
    const page = await web.open({ locale: 'ko-KR' });
    const after = web.t.inbox.messages.length;
    await reportFrom(page, link, ko);
    expect(await page.getByRole('heading', { name: '그 기기를 로그아웃시켰습니다' }).count()).toBe(1);
    await screenshot(page, 'ko-sign-in-report-done');
    expect(errorCode(await me(web.t, strangerToken))).toBe('UNAUTHENTICATED');
    await web.t.inbox.waitFor(email, RESET_SUBJECT, after);

    const second = await web.open({ locale: 'ko-KR' });
    await reportFrom(second, link, ko);
    expect(web.t.inbox.countTo(email, RESET_SUBJECT)).toBe(1);
  });

  it('says a link without its token is incomplete', async () => {
    const page = await web.open();
    await page.goto(`${web.baseUrl}/sign-in-report`);
    await heading(page, en.signInReport.title);
    await page.getByText(en.signInReport.noToken).waitFor();
    await expect(button(page, en.signInReport.submit).count()).resolves.toBe(0);
  });
});
