import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SecurityEventType } from '../audit/models/security-event.model';
import { SecurityEventsService } from '../audit/security-events.service';
import { AppError, ErrorCode } from '../common/app-error';
import type { SessionUser } from '../common/authenticated-session';
import { Clock } from '../common/clock';
import { requireUuid } from '../common/ids';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { OrganizationRole } from '../organizations/models/organization-role.model';
import { MembershipsService } from '../organizations/memberships.service';
import { toUser } from '../users/models/user.model';
import { UsersService } from '../users/users.service';
import type { CreateOrganizationWebhookInput } from './dto/create-organization-webhook.input';
import type { OrganizationWebhookEntity } from './entities/organization-webhook.entity';
import type { WebhookDeliveryEntity } from './entities/webhook-delivery.entity';
import { CreatedOrganizationWebhook, OrganizationWebhook, WebhookDelivery } from './models/webhook.model';
import { OrganizationWebhooksRepository } from './organization-webhooks.repository';
import { urlProblem } from './utils/address-rules.util';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { RefusedAddressError, WebhookTransport } from './webhook-transport';
import { WebhookSecrets } from './webhook-secrets';

export const MAX_WEBHOOKS_PER_ORGANIZATION = 10;
const DEFAULT_DELIVERY_PAGE = 50;
const MAX_DELIVERY_PAGE = 200;

/** An organization's webhooks: OWNERs with 2FA add and remove them, OWNERs and ADMINs read them and their delivery log. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: OrganizationWebhooksRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly memberships: MembershipsService,
    private readonly securityEvents: SecurityEventsService,
    private readonly users: UsersService,
    private readonly secrets: WebhookSecrets,
    private readonly transport: WebhookTransport,
    private readonly clock: Clock,
  ) {}

  async create(caller: SessionUser, input: CreateOrganizationWebhookInput): Promise<CreatedOrganizationWebhook> {
    requireOwner(await this.memberships.managerRole(caller.id, input.organizationId));
    if (!caller.twoFactorEnabledAt) throw AppError.forbidden('Turn on two-step verification before adding a webhook: it receives every security event of the organization.');
    const url = await this.checkedUrl(input.url);
    const secret = this.secrets.generate();
    const webhook = await this.memberships.inManagedOrganization(caller.id, input.organizationId, async (db, role, organization) => {
      requireOwner(role);
      if ((await this.webhooks.countOf(organization.id, db)) >= MAX_WEBHOOKS_PER_ORGANIZATION) {
        throw new AppError(ErrorCode.FAILED_PRECONDITION, `An organization can have at most ${MAX_WEBHOOKS_PER_ORGANIZATION} webhooks. Delete one first.`);
      }
      const id = randomUUID();
      const created = await this.webhooks.insert(
        {
          id,
          organizationId: organization.id,
          url: url.toString(),
          eventTypes: [...new Set(input.eventTypes ?? [])],
          secretEncrypted: this.secrets.encrypt(secret, id),
          createdBy: caller.id,
          createdAt: this.clock.now(),
        },
        db,
      );
      await this.securityEvents.record({ type: SecurityEventType.ORGANIZATION_WEBHOOK_CREATED, userId: caller.id, organizationId: organization.id }, db);
      return created;
    });
    return { webhook: { ...toWebhook(webhook), createdBy: toUser(caller) }, secret };
  }

  async list(callerId: string, organizationId: string): Promise<OrganizationWebhook[]> {
    await this.memberships.managerRole(callerId, organizationId);
    const found = await this.webhooks.listOf(organizationId);
    const creators = new Map((await this.users.findByIds(found.flatMap((w) => (w.createdBy ? [w.createdBy] : [])))).map((u) => [u.id, toUser(u)]));
    return found.map((w) => ({ ...toWebhook(w), createdBy: (w.createdBy && creators.get(w.createdBy)) || null }));
  }

  async delete(callerId: string, rawId: string): Promise<boolean> {
    const webhook = await this.findOrFail(rawId);
    return this.memberships.inManagedOrganization(callerId, webhook.organizationId, async (db, role) => {
      requireOwner(role);
      if (!(await this.webhooks.delete(webhook.id, db))) throw AppError.notFound('The webhook');
      await this.securityEvents.record({ type: SecurityEventType.ORGANIZATION_WEBHOOK_DELETED, userId: callerId, organizationId: webhook.organizationId }, db);
      return true;
    });
  }

  async listDeliveries(callerId: string, rawWebhookId: string, first?: number | null): Promise<WebhookDelivery[]> {
    const webhook = await this.findOrFail(rawWebhookId);
    await this.memberships.managerRole(callerId, webhook.organizationId);
    const take = first ?? DEFAULT_DELIVERY_PAGE;
    if (take < 1 || take > MAX_DELIVERY_PAGE) throw AppError.badInput([{ field: 'first', message: `must be between 1 and ${MAX_DELIVERY_PAGE}` }]);
    const rows = await this.deliveries.latestOf(webhook.id, take);
    return rows.map(toDelivery);
  }

  /** NOT_FOUND for an id that is not a webhook, as for one of an organization the caller is not in (managerRole). */
  private async findOrFail(rawId: string): Promise<OrganizationWebhookEntity> {
    const webhook = await this.webhooks.findById(requireUuid(rawId, 'The webhook'));
    if (!webhook) throw AppError.notFound('The webhook');
    return webhook;
  }

  private async checkedUrl(text: string): Promise<URL> {
    const problem = urlProblem(text, this.config.webhookAllowPrivateNetworks);
    if (problem) throw AppError.badInput([{ field: 'url', message: problem }]);
    const url = new URL(text);
    try {
      await this.transport.checkedAddresses(url);
    } catch (error) {
      if (error instanceof RefusedAddressError) throw AppError.badInput([{ field: 'url', message: error.message }]);
      throw error;
    }
    return url;
  }
}

function requireOwner(role: OrganizationRole): void {
  if (role !== OrganizationRole.OWNER) throw AppError.forbidden('Only owners of the organization can add or delete webhooks.');
}

function toWebhook(webhook: OrganizationWebhookEntity): Omit<OrganizationWebhook, 'createdBy'> {
  return { id: webhook.id, organizationId: webhook.organizationId, url: webhook.url, eventTypes: webhook.eventTypes, createdAt: webhook.createdAt };
}

/** The webhook-id of a delivery: the same on every retry, different for every (event, webhook). */
export function messageIdOf(deliveryId: string): string {
  return `msg_${deliveryId.replaceAll('-', '')}`;
}

function toDelivery(delivery: WebhookDeliveryEntity): WebhookDelivery {
  return {
    id: delivery.id,
    messageId: messageIdOf(delivery.id),
    eventType: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    lastAttemptAt: delivery.lastAttemptAt,
    lastResponseStatus: delivery.lastResponseStatus,
    nextAttemptAt: delivery.nextAttemptAt,
  };
}
