import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsService } from '../src/metrics/metrics.service';
import { WebhookDeliveryService } from '../src/webhooks/webhook-delivery.service';
import { errorCode, login, newUser } from './support/operations';
import { addMember, newOrganization } from './support/organizations';
import { startTestApp, type TestApp } from './support/test-app';
import { newUserWithTwoFactor } from './support/two-factor';
import {
  createOrganizationWebhook,
  deleteOrganizationWebhook,
  organizationWebhookDeliveries,
  organizationWebhooks,
  verifyDelivery,
  WebhookReceiver,
} from './support/webhooks';

let t: TestApp;
let receiver: WebhookReceiver;

beforeAll(async () => {
  // The receiver listens on 127.0.0.1: these tests allow private networks, as in development.
  t = await startTestApp({ config: { webhookAllowPrivateNetworks: true, webhookRetryBaseSeconds: 30 } });
  receiver = await WebhookReceiver.start();
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

const deliverDue = (app: TestApp = t) => app.app.get(WebhookDeliveryService).deliverDue();

/** An OWNER with 2FA, an organization, and a webhook to the receiver; `received` counts from here. */
async function organizationWithWebhook(eventTypes?: string[]) {
  const owner = await newUserWithTwoFactor(t);
  const organizationId = await newOrganization(t, owner.token);
  const created = await createOrganizationWebhook(t, owner.token, { organizationId, url: receiver.url, eventTypes });
  expect(created.errors).toBeUndefined();
  const { secret, webhook } = created.data!.createOrganizationWebhook;
  return { owner, organizationId, secret: secret as string, webhook };
}

/** One series of the app's Prometheus text (0 when absent), e.g. `webhook_deliveries_total{outcome="retry"}`. */
async function metric(series: string): Promise<number> {
  const text = await t.app.get(MetricsService).registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** Straight from the database, for what the API does not show (or after the owner's session has expired). */
const sql = (text: string, params: unknown[]): Promise<Array<Record<string, any>>> => t.app.get(DataSource).query(text, params);

describe('creating webhooks', () => {
  it('gives the whsec_ secret once, lists the webhook without it, and records ORGANIZATION_WEBHOOK_CREATED', async () => {
    const { owner, organizationId, secret, webhook } = await organizationWithWebhook(['LOGIN_SUCCEEDED']);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhook).toMatchObject({ organizationId, url: receiver.url, eventTypes: ['LOGIN_SUCCEEDED'], createdBy: { id: owner.userId } });
    const listed = await organizationWebhooks(t, owner.token, organizationId);
    expect(listed.data!.organizationWebhooks).toEqual([webhook]);
    expect(JSON.stringify(listed)).not.toContain(secret.slice(6));
    const [stored] = await sql(`SELECT secret_encrypted FROM organization_webhooks WHERE id = $1`, [webhook.id]);
    expect(stored.secret_encrypted).toMatch(/^v1\./);
    expect(stored.secret_encrypted).not.toContain(secret.slice(6));
  });

  it('is for OWNERs with 2FA: an OWNER without 2FA and an ADMIN are FORBIDDEN, a stranger NOT_FOUND', async () => {
    const owner = await newUser(t);
    const organizationId = await newOrganization(t, owner.token);
    expect(errorCode(await createOrganizationWebhook(t, owner.token, { organizationId, url: receiver.url }))).toBe('FORBIDDEN');
    const { organizationId: other, owner: otherOwner, webhook } = await organizationWithWebhook();
    const admin = await newUser(t);
    await addMember(t, otherOwner.token, other, admin.email, 'ADMIN');
    expect(errorCode(await createOrganizationWebhook(t, admin.token, { organizationId: other, url: receiver.url }))).toBe('FORBIDDEN');
    expect(errorCode(await deleteOrganizationWebhook(t, admin.token, webhook.id))).toBe('FORBIDDEN');
    expect((await organizationWebhooks(t, admin.token, other)).data!.organizationWebhooks).toHaveLength(1);
    expect(errorCode(await organizationWebhooks(t, owner.token, other))).toBe('NOT_FOUND');
    expect(errorCode(await organizationWebhookDeliveries(t, owner.token, webhook.id))).toBe('NOT_FOUND');
  });

  it('refuses cloud metadata addresses even where private networks are allowed, and anything but http(s)', async () => {
    const owner = await newUserWithTwoFactor(t);
    const organizationId = await newOrganization(t, owner.token);
    for (const url of ['http://169.254.169.254/latest/meta-data', 'http://[fd00:ec2::254]/', 'http://[::ffff:169.254.169.254]/', 'ftp://127.0.0.1/', 'file:///etc/passwd']) {
      const refused = await createOrganizationWebhook(t, owner.token, { organizationId, url });
      expect(errorCode(refused), url).toBe('BAD_USER_INPUT');
      expect(refused.errors![0].extensions.fields[0].field).toBe('url');
    }
  });
});

describe('deliveries', () => {
  it("sends the organization's events and its members' account events, signed as Standard Webhooks, and nobody else's", async () => {
    const { owner, organizationId, secret, webhook } = await organizationWithWebhook();
    const member = await newUser(t);
    await addMember(t, owner.token, organizationId, member.email);
    const stranger = await newUser(t);
    await login(t, { email: member.email, password: member.password });
    await login(t, { email: stranger.email, password: stranger.password });
    const before = receiver.received.length;
    await deliverDue();
    const received = receiver.received.slice(before).filter((d) => verifiable(secret, d));
    const bodies = received.map((delivery) => verifyDelivery(secret, delivery, t.clock) as { type: string; timestamp: string; data: Record<string, unknown> });
    expect(bodies.map((body) => body.type)).toEqual(
      expect.arrayContaining(['ORGANIZATION_WEBHOOK_CREATED', 'ORGANIZATION_INVITATION_SENT', 'ORGANIZATION_INVITATION_ACCEPTED', 'LOGIN_SUCCEEDED']),
    );
    const memberLogin = bodies.find((body) => body.type === 'LOGIN_SUCCEEDED')!;
    expect(memberLogin.data).toMatchObject({ userId: member.userId, email: member.email, organizationId: null });
    expect(Object.keys(memberLogin.data).sort()).toEqual(['email', 'eventId', 'ipAddress', 'occurredAt', 'organizationId', 'userAgent', 'userId']);
    expect(bodies.some((body) => body.data.userId === stranger.userId)).toBe(false);
    for (const delivery of received) {
      expect(delivery.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
      expect(delivery.headers['webhook-signature']).toMatch(/^v1,/);
      expect(delivery.body).not.toMatch(/token|secret|password|code"/i);
    }
    const log = (await organizationWebhookDeliveries(t, owner.token, webhook.id)).data!.organizationWebhookDeliveries;
    expect(log.length).toBe(received.length);
    expect(log.every((entry: { status: string; attempts: number; lastResponseStatus: number }) => entry.status === 'DELIVERED' && entry.attempts === 1 && entry.lastResponseStatus === 204)).toBe(true);
    expect(log.map((entry: { messageId: string }) => entry.messageId).sort()).toEqual(received.map((d) => d.headers['webhook-id']).sort());
  });

  it('keeps only the event types asked for', async () => {
    const { owner, organizationId, secret } = await organizationWithWebhook(['LOGIN_SUCCEEDED']);
    const member = await newUser(t);
    await addMember(t, owner.token, organizationId, member.email);
    await login(t, { email: member.email, password: member.password });
    const before = receiver.received.length;
    await deliverDue();
    const types = receiver.received.slice(before).filter((d) => verifiable(secret, d)).map((d) => JSON.parse(d.body).type);
    expect(types).toEqual(['LOGIN_SUCCEEDED']);
  });

  it('retries a delivery the receiver answered 500 with the same webhook-id, on the schedule, until DELIVERED', async () => {
    const { owner, secret, webhook } = await organizationWithWebhook(['ORGANIZATION_WEBHOOK_CREATED']);
    const webhookId = webhook.id;
    receiver.answerNext(500);
    const before = receiver.received.length;
    const [retriesBefore, deliveredBefore] = [await metric('webhook_deliveries_total{outcome="retry"}'), await metric('webhook_deliveries_total{outcome="delivered"}')];
    await deliverDue();
    const [first] = receiver.received.slice(before).filter((d) => verifiable(secret, d));
    let [entry] = (await organizationWebhookDeliveries(t, owner.token, webhookId)).data!.organizationWebhookDeliveries;
    expect(entry).toMatchObject({ status: 'PENDING', attempts: 1, lastResponseStatus: 500 });
    // Every other due delivery went out in that pass: this one is the whole retry queue.
    expect(await metric('webhook_deliveries_total{outcome="retry"}')).toBe(retriesBefore + 1);
    expect(await metric('webhook_deliveries_pending')).toBe(1);
    expect(new Date(entry.nextAttemptAt).getTime() - t.clock.now().getTime()).toBe(30_000);

    t.clock.advanceSeconds(29);
    await deliverDue();
    expect(receiver.received.slice(before).filter((d) => verifiable(secret, d))).toHaveLength(1);
    t.clock.advanceSeconds(1);
    await deliverDue();
    const [, second] = receiver.received.slice(before).filter((d) => verifiable(secret, d));
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.body).toBe(first.body);
    [entry] = (await organizationWebhookDeliveries(t, owner.token, webhookId)).data!.organizationWebhookDeliveries;
    expect(entry).toMatchObject({ status: 'DELIVERED', attempts: 2, lastResponseStatus: 204, nextAttemptAt: null, messageId: first.headers['webhook-id'] });
    expect(await metric('webhook_deliveries_total{outcome="delivered"}')).toBe(deliveredBefore + 1);
    expect(await metric('webhook_deliveries_pending')).toBe(0);
  });

  it('gives a delivery up as FAILED after 8 tries', async () => {
    const { webhook } = await organizationWithWebhook(['ORGANIZATION_WEBHOOK_CREATED']);
    receiver.answerNext(503, 503, 503, 503, 503, 503, 503, 503);
    const [retriesBefore, failedBefore] = [await metric('webhook_deliveries_total{outcome="retry"}'), await metric('webhook_deliveries_total{outcome="failed"}')];
    for (let attempt = 1; attempt <= 8; attempt++) {
      await deliverDue();
      t.clock.advanceSeconds(36_000);
    }
    await deliverDue();
    // The owner's session ended long ago (80 hours on): the log is read from the table.
    const [entry] = await sql('SELECT id, status, attempts, last_response_status, next_attempt_at FROM webhook_deliveries WHERE webhook_id = $1', [webhook.id]);
    expect(entry).toMatchObject({ status: 'FAILED', attempts: 8, last_response_status: 503, next_attempt_at: null });
    const tries = receiver.received.filter((d) => d.headers['webhook-id'] === `msg_${entry.id.replaceAll('-', '')}`);
    expect(tries).toHaveLength(8);
    expect(new Set(tries.map((d) => d.body)).size).toBe(1);
    expect(await metric('webhook_deliveries_total{outcome="retry"}')).toBe(retriesBefore + 7);
    expect(await metric('webhook_deliveries_total{outcome="failed"}')).toBe(failedBefore + 1);
  });

  it('two instances on one database send each try once', async () => {
    const second = await startTestApp({ databaseUrl: t.databaseUrl, clock: t.clock, config: t.config });
    try {
      const { owner, organizationId, secret } = await organizationWithWebhook();
      for (let n = 0; n < 15; n++) {
        const member = await newUser(t);
        await addMember(t, owner.token, organizationId, member.email);
      }
      const before = receiver.received.length;
      await Promise.all([deliverDue(), deliverDue(second), deliverDue(), deliverDue(second)]);
      const ids = receiver.received.slice(before).filter((d) => verifiable(secret, d)).map((d) => d.headers['webhook-id']);
      expect(ids.length).toBeGreaterThan(30);
      expect(new Set(ids).size).toBe(ids.length);
      const [{ pending }] = await sql(
        `SELECT count(*)::int AS pending FROM webhook_deliveries d JOIN organization_webhooks w ON w.id = d.webhook_id WHERE w.organization_id = $1 AND status <> 'DELIVERED'`,
        [organizationId],
      );
      expect(pending).toBe(0);
    } finally {
      await second.app.close();
    }
  });

  it('loses nothing when the app stops between the event and the delivery: the next instance sends it', async () => {
    const { owner, organizationId, secret } = await organizationWithWebhook(['ORGANIZATION_INVITATION_SENT', 'ORGANIZATION_INVITATION_ACCEPTED']);
    const member = await newUser(t);
    await addMember(t, owner.token, organizationId, member.email);
    const stopped = t.app;
    await stopped.close();
    t = await startTestApp({ databaseUrl: t.databaseUrl, clock: t.clock, inbox: t.inbox, config: t.config });
    const before = receiver.received.length;
    await deliverDue();
    const types = receiver.received.slice(before).filter((d) => verifiable(secret, d)).map((d) => JSON.parse(d.body).type);
    expect(types.sort()).toEqual(['ORGANIZATION_INVITATION_ACCEPTED', 'ORGANIZATION_INVITATION_SENT']);
  });

  it('deleting a webhook records ORGANIZATION_WEBHOOK_DELETED and stops its deliveries', async () => {
    const { owner, organizationId, webhook } = await organizationWithWebhook();
    expect((await deleteOrganizationWebhook(t, owner.token, webhook.id)).data!.deleteOrganizationWebhook).toBe(true);
    expect((await organizationWebhooks(t, owner.token, organizationId)).data!.organizationWebhooks).toEqual([]);
    expect(errorCode(await deleteOrganizationWebhook(t, owner.token, webhook.id))).toBe('NOT_FOUND');
  });
});

describe('with private networks refused (the production default)', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await startTestApp({ databaseUrl: t.databaseUrl, clock: t.clock, inbox: t.inbox, config: { ...t.config, webhookAllowPrivateNetworks: false } });
  });
  afterAll(async () => {
    await strict.app.close();
  });

  it('refuses http://, loopback, private, link-local and unique-local addresses at creation', async () => {
    const owner = await newUserWithTwoFactor(strict);
    const organizationId = await newOrganization(strict, owner.token);
    for (const url of [receiver.url, 'https://127.0.0.1/', 'https://localhost/', 'https://10.0.0.1/', 'https://192.168.0.10/', 'https://169.254.1.1/', 'https://[::1]/', 'https://[fd12::1]/', 'https://169.254.169.254/']) {
      expect(errorCode(await createOrganizationWebhook(strict, owner.token, { organizationId, url })), url).toBe('BAD_USER_INPUT');
    }
  });

  it('checks the address again at every delivery: a webhook to a loopback address is not sent', async () => {
    const { owner, secret, webhook } = await organizationWithWebhook(['ORGANIZATION_WEBHOOK_CREATED']);
    const before = receiver.received.length;
    await deliverDue(strict);
    expect(receiver.received.slice(before).filter((d) => verifiable(secret, d))).toEqual([]);
    const [entry] = (await organizationWebhookDeliveries(t, owner.token, webhook.id)).data!.organizationWebhookDeliveries;
    expect(entry).toMatchObject({ status: 'PENDING', attempts: 1, lastResponseStatus: null });
  });
});

/** Deliveries signed with this webhook's secret (the receiver is shared by every test). */
function verifiable(secret: string, delivery: Parameters<typeof verifyDelivery>[1]): boolean {
  try {
    verifyDelivery(secret, delivery, t.clock);
    return true;
  } catch {
    return false;
  }
}
