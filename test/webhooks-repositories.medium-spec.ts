import type { EntityManager } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecurityEventEntity } from '../src/audit/entities/security-event.entity';
import { SecurityEventType } from '../src/audit/models/security-event.model';
import { OrganizationMembershipEntity } from '../src/organizations/entities/organization-membership.entity';
import { OrganizationEntity } from '../src/organizations/entities/organization.entity';
import { memberOrganizationsSql } from '../src/organizations/organization-memberships.repository';
import { UserEntity } from '../src/users/entities/user.entity';
import { OrganizationWebhookEntity } from '../src/webhooks/entities/organization-webhook.entity';
import { WebhookDeliveryEntity } from '../src/webhooks/entities/webhook-delivery.entity';
import { OrganizationWebhooksRepository } from '../src/webhooks/organization-webhooks.repository';
import { type ClaimSchedule, outboxInsertSql, WebhookDeliveriesRepository } from '../src/webhooks/webhook-deliveries.repository';
import { type MediumServices, newMediumServices } from './support/medium';

/**
 * The webhooks' repositories on PostgreSQL: which webhooks the outbox statement picks for an event,
 * and the delivery queue's claims and outcomes, each of which must change a row only once.
 */
const SECOND = 1000;
let m: MediumServices;
let webhooks: OrganizationWebhooksRepository;
let deliveries: WebhookDeliveriesRepository;
beforeAll(async () => {
  m = await newMediumServices({
    providers: [OrganizationWebhooksRepository, WebhookDeliveriesRepository],
    entities: [UserEntity, OrganizationEntity, OrganizationMembershipEntity, SecurityEventEntity, OrganizationWebhookEntity, WebhookDeliveryEntity],
  });
  webhooks = m.get(OrganizationWebhooksRepository);
  deliveries = m.get(WebhookDeliveriesRepository);
});
afterAll(async () => {
  await m?.close();
});

const at = (offsetSeconds: number) => new Date(m.clock.now().getTime() + offsetSeconds * SECOND);
const schedule: ClaimSchedule = { waitsSeconds: [10, 20], lastTryLeaseSeconds: 60, maxAttempts: 3 };

async function webhookOf(organization: { id: string }, eventTypes: SecurityEventType[] = []): Promise<OrganizationWebhookEntity> {
  const id = crypto.randomUUID();
  return webhooks.insert({ id, organizationId: organization.id, url: `https://example.com/${id}`, eventTypes, secretEncrypted: 'sealed', createdBy: null, createdAt: m.clock.now() });
}

/** The queue's tests start from an empty queue: earlier tests' deliveries would be due too. */
async function emptyQueue(): Promise<void> {
  await m.dataSource.query('DELETE FROM webhook_deliveries');
}

/** Records one event as audit does: the event's INSERT and the outbox's in one statement. Returns the deliveries' webhook ids. */
async function recordEvent(event: { type: SecurityEventType; userId: string; organizationId: string | null }, db: EntityManager = m.dataSource.manager): Promise<string[]> {
  const rows: Array<{ webhook_id: string }> = await db.query(
    `WITH events AS (
       INSERT INTO security_events (type, user_id, organization_id, occurred_at) VALUES ($1, $2, $3, $4)
       RETURNING id, type, user_id, organization_id, occurred_at
     ), outbox AS (${outboxInsertSql('events', memberOrganizationsSql)} RETURNING webhook_id)
     SELECT webhook_id FROM outbox`,
    [event.type, event.userId, event.organizationId, m.clock.now()],
  );
  return rows.map((row) => row.webhook_id).sort();
}

describe('outboxInsertSql', () => {
  it('gives an organization’s event to that organization’s webhooks only, and an account’s event to every organization of its user', async () => {
    const user = await m.fixtures.user();
    const [mine, alsoMine, notMine] = [await m.fixtures.organization(), await m.fixtures.organization(), await m.fixtures.organization()];
    await m.fixtures.membership(mine, user);
    await m.fixtures.membership(alsoMine, user);
    const [a, b, c] = [await webhookOf(mine), await webhookOf(alsoMine), await webhookOf(notMine)];

    const organizationEvent = await recordEvent({ type: SecurityEventType.ORGANIZATION_MEMBER_ADDED, userId: user.id, organizationId: mine.id });
    expect(organizationEvent).toEqual([a.id]);
    const accountEvent = await recordEvent({ type: SecurityEventType.LOGIN_SUCCEEDED, userId: user.id, organizationId: null });
    expect(accountEvent).toEqual([a.id, b.id].sort());
    expect(accountEvent).not.toContain(c.id);
  });

  it('keeps only the event types a webhook asked for (none: every type)', async () => {
    const user = await m.fixtures.user();
    const organization = await m.fixtures.organization();
    const [picky, everything] = [await webhookOf(organization, [SecurityEventType.ORGANIZATION_MEMBER_REMOVED]), await webhookOf(organization)];
    expect(await recordEvent({ type: SecurityEventType.ORGANIZATION_MEMBER_ADDED, userId: user.id, organizationId: organization.id })).toEqual([everything.id]);
    expect(await recordEvent({ type: SecurityEventType.ORGANIZATION_MEMBER_REMOVED, userId: user.id, organizationId: organization.id })).toEqual([picky.id, everything.id].sort());
  });
});

describe('WebhookDeliveriesRepository.claimDue', () => {
  it('claims each due try once however many claim at once, counts it and schedules the next; a try not yet due stays', async () => {
    await emptyQueue();
    const organization = await m.fixtures.organization();
    const webhook = await webhookOf(organization);
    const user = await m.fixtures.user();
    for (let i = 0; i < 5; i++) await recordEvent({ type: SecurityEventType.ORGANIZATION_MEMBER_ADDED, userId: user.id, organizationId: organization.id });

    const claims = await Promise.all([1, 2, 3].map(() => deliveries.claimDue(m.clock.now(), schedule, 2)));
    const claimed = claims.flat();
    expect(claimed).toHaveLength(5);
    expect(new Set(claimed.map((delivery) => delivery.id)).size).toBe(5);
    expect(claimed.every((delivery) => delivery.attempts === 1 && delivery.webhookId === webhook.id && delivery.url === webhook.url)).toBe(true);

    // Next try in 10 s: not due a moment before.
    expect(await deliveries.claimDue(at(9.999), schedule, 10)).toEqual([]);
    expect((await deliveries.claimDue(at(10), schedule, 100)).map((delivery) => delivery.attempts)).toEqual([2, 2, 2, 2, 2]);
  });
});

describe('WebhookDeliveriesRepository outcomes', () => {
  it('records an outcome only for the try in flight, and a final status ends the delivery', async () => {
    await emptyQueue();
    const organization = await m.fixtures.organization();
    await webhookOf(organization);
    await recordEvent({ type: SecurityEventType.ORGANIZATION_MEMBER_ADDED, userId: (await m.fixtures.user()).id, organizationId: organization.id });
    const [first] = await deliveries.claimDue(m.clock.now(), schedule, 10);
    const [second] = await deliveries.claimDue(at(10), schedule, 10);
    expect(second!.id).toBe(first!.id);

    // The first try's slow answer arrives after the second try was claimed: ignored.
    await deliveries.recordOutcome(first!.id, first!.attempts, { status: 200, excerpt: 'late' }, 'DELIVERED');
    let [row] = await deliveries.latestOf(first!.webhookId, 1);
    expect(row).toMatchObject({ status: 'PENDING', lastResponseStatus: null, attempts: 2 });

    await deliveries.recordOutcome(second!.id, second!.attempts, { status: 500, excerpt: 'oops' }, null);
    [row] = await deliveries.latestOf(first!.webhookId, 1);
    expect(row).toMatchObject({ status: 'PENDING', lastResponseStatus: 500, lastResponseExcerpt: 'oops', nextAttemptAt: at(30) });

    await deliveries.recordOutcome(second!.id, second!.attempts, { status: 204, excerpt: '' }, 'DELIVERED');
    [row] = await deliveries.latestOf(first!.webhookId, 1);
    expect(row).toMatchObject({ status: 'DELIVERED', lastResponseStatus: 204, nextAttemptAt: null });
    // Delivered: no later outcome changes it.
    await deliveries.recordOutcome(second!.id, second!.attempts, { status: 500, excerpt: 'again' }, 'FAILED');
    expect((await deliveries.latestOf(first!.webhookId, 1))[0]).toMatchObject({ status: 'DELIVERED' });
  });

  it('fails a last try whose lease ended, not before, and counts the pending queue', async () => {
    await emptyQueue();
    const organization = await m.fixtures.organization();
    const webhook = await webhookOf(organization);
    await recordEvent({ type: SecurityEventType.ORGANIZATION_MEMBER_ADDED, userId: (await m.fixtures.user()).id, organizationId: organization.id });
    expect(await deliveries.countPending()).toBe(1);

    await deliveries.claimDue(at(0), schedule, 10); // try 1, next in 10 s
    await deliveries.claimDue(at(10), schedule, 10); // try 2, next in 20 s
    const [last] = await deliveries.claimDue(at(30), schedule, 10); // try 3, the last: its lease is 60 s
    expect(last!.attempts).toBe(3);
    expect(await deliveries.claimDue(at(90), schedule, 10)).toEqual([]); // no fourth try

    expect(await deliveries.failAbandonedLastTries(at(89.999), schedule.maxAttempts)).toBe(0);
    expect(await deliveries.failAbandonedLastTries(at(90), schedule.maxAttempts)).toBe(1);
    expect((await deliveries.latestOf(webhook.id, 1))[0]).toMatchObject({ status: 'FAILED', nextAttemptAt: null });
    expect(await deliveries.countPending()).toBe(0);
  });
});

describe('OrganizationWebhooksRepository', () => {
  it('counts one organization’s webhooks, and deletes one once', async () => {
    const [organization, other] = [await m.fixtures.organization(), await m.fixtures.organization()];
    const webhook = await webhookOf(organization);
    await webhookOf(organization);
    await webhookOf(other);
    expect(await webhooks.countOf(organization.id)).toBe(2);
    expect(await webhooks.delete(webhook.id)).toBe(true);
    expect(await webhooks.delete(webhook.id)).toBe(false);
    expect((await webhooks.listOf(organization.id)).map((w) => w.id)).not.toContain(webhook.id);
    expect(await webhooks.countOf(other.id)).toBe(1);
  });
});
