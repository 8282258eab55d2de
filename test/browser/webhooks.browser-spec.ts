import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en';
import { ko } from '../../web/src/i18n/ko';
import { WebhookDeliveryService } from '../../src/webhooks/webhook-delivery.service';
import { DEFAULT_PASSWORD, login, newUser } from '../support/operations';
import { addMember, newOrganization } from '../support/organizations';
import { newUserWithTwoFactor, totpCode } from '../support/two-factor';
import { verifyDelivery, WebhookReceiver } from '../support/webhooks';
import { button, heading, screenshot, useConsoleBrowser } from './support/console-browser';

/**
 * Organization Management → Webhooks in a real Chromium against the real server: an owner with 2FA
 * adds a webhook to a receiver on 127.0.0.1, copies the secret shown once, and reads the delivery
 * of a member's sign-in in the log; the receiver checks its Standard Webhooks signature.
 */
describe('web console: organization webhooks', () => {
  // The receiver listens on 127.0.0.1, which production refuses (as in development here).
  const web = useConsoleBrowser({ config: { webhookAllowPrivateNetworks: true } });
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });

  afterAll(async () => {
    await receiver?.close();
  });

  /** An OWNER with 2FA of a new organization with one MEMBER, signed in to the console's Webhooks tab. */
  async function ownerOnWebhooksTab(page: Page, name: string, d: typeof en) {
    const owner = await newUserWithTwoFactor(web.t);
    const organizationId = await newOrganization(web.t, owner.token, name);
    const member = await newUser(web.t);
    await addMember(web.t, owner.token, organizationId, member.email);
    await heading(page, d.signIn.title);
    await page.getByLabel(d.signIn.email).fill(owner.email);
    await page.getByLabel(d.signIn.password).fill(DEFAULT_PASSWORD);
    await button(page, d.signIn.submit).click();
    await heading(page, d.secondStep.title);
    // The code of a new step: the one used to turn 2FA on is spent.
    web.t.clock.advanceSeconds(30);
    await page.getByLabel(d.secondStep.code).fill(totpCode(owner.secret, web.t.clock));
    await button(page, d.secondStep.submit).click();
    await heading(page, d.account.title);
    await page.goto(`${web.baseUrl}/#/organizations/${organizationId}/webhooks`);
    await heading(page, `${name} · ${d.webhooks.tab}`);
    return member;
  }

  /** Fills 'Add a webhook' with the receiver's URL and one event type, and submits it; the secret it shows once. */
  async function addWebhook(page: Page, d: typeof en): Promise<string> {
    const form = page.getByRole('form', { name: d.webhooks.createTitle });
    await form.getByLabel(d.webhooks.url, { exact: true }).fill(receiver.url);
    await form.getByRole('group', { name: d.webhooks.eventTypes }).getByLabel(d.events.types.LOGIN_SUCCEEDED, { exact: true }).check();
    await form.getByRole('button', { name: d.webhooks.create, exact: true }).click();
    // In the new webhook's entry, brought into view from the foot of the page, its copy button focused.
    const shown = page.getByRole('article', { name: receiver.url }).getByRole('status').filter({ hasText: d.webhooks.secretOnce });
    const secret = (await shown.getByLabel(d.webhooks.secretLabel).textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    const viewportHeight = page.viewportSize()!.height;
    await expect.poll(async () => shown.boundingBox().then((box) => box !== null && box.y >= 0 && box.y + box.height <= viewportHeight)).toBe(true);
    expect(await page.evaluate('document.activeElement.textContent')).toBe(d.webhooks.copySecret);
    return secret;
  }

  /** A member signs in through the API; one delivery pass runs (the interval is off in tests); its signed body. */
  async function memberSignsInAndIsDelivered(member: { email: string; password: string }, secret: string) {
    const before = receiver.received.length;
    await login(web.t, { email: member.email, password: member.password });
    await web.t.app.get(WebhookDeliveryService).deliverDue();
    const received = receiver.received.slice(before);
    expect(received).toHaveLength(1);
    return verifyDelivery(secret, received[0]!, web.t.clock) as { type: string; data: { email: string } };
  }

  const logRow = (page: Page, d: typeof en) =>
    page.getByRole('article', { name: receiver.url }).getByRole('table', { name: d.webhooks.log }).getByRole('row').filter({ hasText: d.events.types.LOGIN_SUCCEEDED });

  it('an owner adds a webhook, copies the secret shown once, and sees a member sign-in Delivered in the log', async () => {
    const page = await web.open();
    const member = await ownerOnWebhooksTab(page, 'Hooks Co', en);
    await page.getByText(en.webhooks.none).waitFor();
    const secret = await addWebhook(page, en);
    await button(page, en.webhooks.copySecret).click();
    await page.getByText(en.webhooks.copied, { exact: true }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    const webhook = page.getByRole('article', { name: receiver.url });
    await webhook.getByText(en.events.types.LOGIN_SUCCEEDED, { exact: true }).waitFor();
    await screenshot(page, 'webhooks-secret-once');

    const body = await memberSignsInAndIsDelivered(member, secret);
    expect(body).toMatchObject({ type: 'LOGIN_SUCCEEDED', data: { email: member.email } });

    await webhook.getByRole('button', { name: en.webhooks.showLog, exact: true }).click();
    const row = logRow(page, en);
    await row.getByRole('cell', { name: en.webhooks.statuses.DELIVERED, exact: true }).waitFor();
    await expect(row.getByRole('cell').allTextContents()).resolves.toEqual([en.events.types.LOGIN_SUCCEEDED, en.webhooks.statuses.DELIVERED, '1', expect.any(String), '204', '—']);
    await screenshot(page, 'webhooks-delivery-log');

    // Shown once: after a reload the webhook is listed without its secret.
    await page.reload();
    await webhook.waitFor();
    await expect(page.getByText(secret).count()).resolves.toBe(0);
    await expect(page.getByText(en.webhooks.secretOnce).count()).resolves.toBe(0);
    await webhook.getByRole('button', { name: en.webhooks.deleteLabel(receiver.url), exact: true }).click();
    await page.getByText(en.webhooks.none).waitFor();
  });

  it("in Korean: the panel's labels, the secret shown once, and the delivery 전송됨", async () => {
    const page = await web.open({ locale: 'ko-KR' });
    const member = await ownerOnWebhooksTab(page, '웹훅 조직', ko);
    await page.getByText(ko.webhooks.intro).waitFor();
    await page.getByText(ko.webhooks.none).waitFor();
    const form = page.getByRole('form', { name: ko.webhooks.createTitle });
    await form.getByRole('heading', { name: ko.webhooks.createTitle, exact: true }).waitFor();
    await form.getByText(ko.webhooks.eventTypesHint).waitFor();
    const secret = await addWebhook(page, ko);
    await button(page, ko.webhooks.copySecret).waitFor();
    await memberSignsInAndIsDelivered(member, secret);
    await page.getByRole('article', { name: receiver.url }).getByRole('button', { name: ko.webhooks.showLog, exact: true }).click();
    await logRow(page, ko).getByRole('cell', { name: ko.webhooks.statuses.DELIVERED, exact: true }).waitFor();
    const headers = page.getByRole('table', { name: ko.webhooks.log }).getByRole('columnheader');
    await expect(headers.allTextContents()).resolves.toEqual([ko.webhooks.event, ko.webhooks.status, ko.webhooks.attempts, ko.webhooks.lastAttempt, ko.webhooks.response, ko.webhooks.nextAttempt]);
    await screenshot(page, 'ko-webhooks');
  });
});
