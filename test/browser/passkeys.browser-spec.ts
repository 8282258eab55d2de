import type { Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en';
import { newUserWithTwoFactor, totpCode } from '../support/two-factor';
import { type ConsolePage, openConsole, screenshot, useConsoleBrowser } from './support/console-browser';
import { PasskeyDevice, type PasskeyRequest } from './support/passkey-device';

/**
 * Passkeys in the console, in a real Chromium whose platform authenticator is Chromium's virtual
 * one (DevTools protocol): the browser really creates and signs with a credential, the server
 * really verifies it. The console is opened as http://localhost:PORT, the rp id the server uses.
 * The sign-in screen keeps a passkey request waiting in the email field's autofill: see
 * PasskeyDevice for how the virtual authenticator treats it, and so when a test lets it answer.
 */
describe('web console: passkeys', () => {
  const web = useConsoleBrowser({ hostName: 'localhost' });
  let opened: ConsolePage;
  let page: Page;
  let device: PasskeyDevice;
  let user: { email: string; password: string; secret: string };

  beforeAll(async () => {
    user = await newUserWithTwoFactor(web.t);
    opened = await openConsole(web.browser, web.baseUrl);
    page = opened.page;
    // Nobody picks a passkey from the autofill list until a test says so.
    device = await PasskeyDevice.attach(page, { answerAtOnce: false });
  });

  /** No console error nor uncaught exception on the page, a cancelled ceremony included. */
  afterEach(() => {
    expect(opened.problems.splice(0)).toEqual([]);
  });

  const button = (name: string) => page.getByRole('button', { name, exact: true });
  const heading = (name: string) => page.getByRole('heading', { name, exact: true }).waitFor();
  const passkeyList = () => page.getByRole('table', { name: en.passkeys.listLabel });
  async function alertText(): Promise<string> {
    const alert = page.getByRole('alert').first();
    await alert.waitFor();
    return (await alert.textContent()) ?? '';
  }

  async function signInWithPassword() {
    await heading(en.signIn.title);
    await page.getByLabel(en.signIn.email).fill(user.email);
    await page.getByLabel(en.signIn.password).fill(user.password);
    await button(en.signIn.submit).click();
    await heading(en.secondStep.title);
  }

  async function signOut() {
    await page.getByRole('button', { name: en.header.profileMenu(user.email) }).click();
    await button(en.header.signOut).click();
    await page.getByText(en.signIn.signedOut).waitFor();
  }

  /** The second step's answer to 'does this account have a passkey?', awaited so its absence can be asserted. */
  function passkeyProbe() {
    return page.waitForResponse((response) => response.url().endsWith('/graphql') && (response.request().postData() ?? '').includes('StartPasskeySecondFactor'));
  }

  const credentialsOnDevice = () => device.credentials();
  const autofill = (outcome: string | null, aborted = false): PasskeyRequest => ({ mediation: 'conditional', aborted, outcome });
  const dialog = (outcome: string | null): PasskeyRequest => ({ mediation: 'optional', aborted: false, outcome });
  /** The requests from the `from`th on, once they have ended the way `expected` says (an abort reaches the page a moment later). */
  const requestsFrom = (from: number, expected: PasskeyRequest[]) => expect.poll(async () => (await device.requests()).slice(from)).toEqual(expected);

  it('adds a passkey named by the user after asking the password again', async () => {
    // The autofill waits on the email field (autocomplete 'username webauthn') while the password is
    // typed, and ends when the screen goes: else the browser would refuse the passkey's creation.
    expect(await page.getByLabel(en.signIn.email).getAttribute('autocomplete')).toBe('username webauthn');
    await device.pendingAutofill();
    web.t.clock.advanceSeconds(30);
    await signInWithPassword();
    await requestsFrom(0, [autofill('AbortError', true)]);
    await device.answerAtOnce(true);
    await page.getByLabel(en.secondStep.code).fill(totpCode(user.secret, web.t.clock));
    await button(en.secondStep.submit).click();
    await heading(en.passkeys.title);
    await page.getByText(en.passkeys.none).waitFor();

    await button(en.passkeys.add).click();
    await page.getByLabel(en.passkeys.password).fill('not the password');
    await page.getByLabel(en.passkeys.newName).fill('Laptop');
    await button(en.passkeys.create).click();
    expect(await alertText()).toBe(en.errors.wrongPassword);
    expect(await credentialsOnDevice()).toEqual([]);

    await page.getByLabel(en.passkeys.password).fill(user.password);
    await button(en.passkeys.create).click();
    await page.getByText(en.passkeys.addedNotice('Laptop')).waitFor();
    const row = passkeyList().getByRole('row', { name: /Laptop/ });
    expect(await row.getByRole('cell').allTextContents()).toEqual([
      'Laptop',
      await formatted(web.t.clock.now()),
      en.never,
      en.passkeys.yes,
      `${en.passkeys.rename}${en.passkeys.remove}`,
    ]);
    const [credential] = await credentialsOnDevice();
    expect(credential).toMatchObject({ rpId: 'localhost', isResidentCredential: true });
    await screenshot(page, 'passkeys-added');

    // The same device again: the server excluded its credential, and the console says why.
    await button(en.passkeys.add).click();
    await page.getByLabel(en.passkeys.password).fill(user.password);
    await page.getByLabel(en.passkeys.newName).fill('Laptop again');
    await button(en.passkeys.create).click();
    expect(await alertText()).toBe(en.passkeys.alreadyRegistered);
    await button(en.cancel).click();
    await expect(passkeyList().getByRole('row').count()).resolves.toBe(2);
  });

  it('signs in with the passkey after the password; a cancelled ceremony is a calm sentence and can be tried again', async () => {
    // The person types their password rather than pick the passkey from the autofill list.
    await device.answerAtOnce(false);
    await signOut();
    await signInWithPassword();
    await page.getByLabel(en.secondStep.rememberDevice).check();

    // Another device, without the credential: the browser answers NotAllowedError, as for a closed dialog.
    const [credential] = await credentialsOnDevice();
    await device.replace();
    await button(en.passkeys.usePasskey).click();
    expect(await alertText()).toBe(en.passkeys.cancelled);
    await heading(en.secondStep.title);
    await screenshot(page, 'second-step-passkey-cancelled');

    // The device with the passkey is back: the same button signs in.
    await device.addCredential(credential!);
    web.t.clock.advanceSeconds(90);
    await button(en.passkeys.usePasskey).click();
    await heading(en.account.title);
    const row = passkeyList().getByRole('row', { name: /Laptop/ });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(2).textContent()).toBe(await formatted(web.t.clock.now()));

    // 'Remember this device' was honoured as after a code; forgotten again so the next sign-in asks.
    await page.getByRole('link', { name: en.account.devicesTab }).click();
    await button(en.devices.revoke).click();
    await page.getByText(en.devices.none).waitFor();
  });

  it('renames the passkey, and shows the section in Korean', async () => {
    await page.getByRole('link', { name: en.account.twoFactorTab, exact: true }).click();
    await button(en.passkeys.renameLabel('Laptop')).click();
    await heading(en.passkeys.renameTitle('Laptop'));
    await page.getByLabel(en.passkeys.newName).fill('Work laptop');
    await button(en.save).click();
    await page.getByText(en.passkeys.renamed).waitFor();
    // The list reloads after the notice: wait for the new name rather than read the row at once.
    await passkeyList().getByRole('row').nth(1).getByRole('cell', { name: 'Work laptop', exact: true }).waitFor();

    // In Korean (the guide's original language), the notice included.
    await button('한국어').click();
    await heading('패스키 및 보안 키');
    await page.getByRole('table', { name: '내 패스키' }).getByRole('cell', { name: 'Work laptop', exact: true }).waitFor();
    await button('Work laptop 이름 변경').waitFor();
    await button('패스키 추가').waitFor();
    await page.getByText('패스키 이름을 변경했습니다.').waitFor();
    await screenshot(page, 'ko-passkeys');
    await button(en.languageName).click();
    await heading(en.passkeys.title);
  });

  it("signs in with the passkey picked from the email field's autofill, no email nor password", async () => {
    // The virtual authenticator answers the waiting autofill request at once, as a person picking
    // the passkey from the list would: no click, and no other request.
    await device.answerAtOnce(true);
    const from = (await device.requests()).length;
    await page.getByRole('button', { name: en.header.profileMenu(user.email) }).click();
    await button(en.header.signOut).click();
    await requestsFrom(from, [autofill('answered')]);
    await heading(en.account.title);
    await page.getByRole('button', { name: en.header.profileMenu(user.email) }).waitFor();
  });

  it('signs in with the passkey alone from the button, which first ends the waiting autofill request, in English and in Korean', async () => {
    // Nobody picks from the list this time; the browser would refuse the button's request ("A
    // request is already pending") had the console not aborted the autofill's first.
    await device.answerAtOnce(false);
    await signOut();
    const from = await device.pendingAutofill();
    await device.answerAtOnce(true);
    await button(en.signIn.withPasskey).click();
    await heading(en.account.title);
    await page.getByRole('button', { name: en.header.profileMenu(user.email) }).waitFor();
    await requestsFrom(from, [autofill('AbortError', true), dialog('answered')]);
    await screenshot(page, 'passkey-sign-in');

    await device.answerAtOnce(false);
    await signOut();
    await button('한국어').click();
    await heading('로그인');
    await page.getByText('또는 이 기기의 패스키나 보안 키로 바로 로그인하세요.').waitFor();
    const fromKorean = await device.pendingAutofill();
    await device.answerAtOnce(true);
    await button('패스키로 로그인').click();
    await heading('계정관리');
    await requestsFrom(fromKorean, [autofill('AbortError', true), dialog('answered')]);
    await screenshot(page, 'ko-passkey-sign-in');
    await button(en.languageName).click();
    await heading(en.account.title);
    await page.getByRole('link', { name: en.account.twoFactorTab, exact: true }).click();
    await heading(en.passkeys.title);
  });

  it('removes the passkey with the password; the second step then offers no passkey', async () => {
    await button(en.passkeys.removeLabel('Work laptop')).click();
    await heading(en.passkeys.removeTitle('Work laptop'));
    await page.getByLabel(en.passkeys.password).fill('not the password');
    await button(en.passkeys.removeSubmit).click();
    expect(await alertText()).toBe(en.errors.wrongPassword);
    await page.getByLabel(en.passkeys.password).fill(user.password);
    await button(en.passkeys.removeSubmit).click();
    await page.getByText(en.passkeys.removed).waitFor();
    await page.getByText(en.passkeys.none).waitFor();
    expect(await passkeyList().count()).toBe(0);

    // Still on the device, the removed passkey answers the autofill: refused, with a calm sentence;
    // the password still signs in.
    const from = (await device.requests()).length;
    await signOut();
    expect(await alertText()).toBe(en.signIn.passkeyRefused);
    await requestsFrom(from, [autofill('answered')]);
    const probe = passkeyProbe();
    await signInWithPassword();
    expect(JSON.stringify(await (await probe).json())).toContain('FAILED_PRECONDITION');
    await page.getByLabel(en.secondStep.code).waitFor();
    expect(await button(en.passkeys.usePasskey).count()).toBe(0);
    expect(await page.getByText(en.passkeys.orPasskey).count()).toBe(0);
  });

  /** A time as the console writes it, in the page's own locale and time zone. */
  function formatted(when: Date): Promise<string> {
    return page.evaluate(
      (iso) => new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)),
      when.toISOString(),
    );
  }
});
