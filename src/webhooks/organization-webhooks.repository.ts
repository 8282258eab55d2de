import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { OrganizationWebhookEntity } from './entities/organization-webhook.entity';

/** The organization_webhooks table's statements. */
@Injectable()
export class OrganizationWebhooksRepository {
  constructor(@InjectRepository(OrganizationWebhookEntity) private readonly webhooks: Repository<OrganizationWebhookEntity>) {}

  countOf(organizationId: string, db: EntityManager = this.webhooks.manager): Promise<number> {
    return db.countBy(OrganizationWebhookEntity, { organizationId });
  }

  async insert(values: OrganizationWebhookEntity, db: EntityManager = this.webhooks.manager): Promise<OrganizationWebhookEntity> {
    const webhook = db.create(OrganizationWebhookEntity, values);
    await db.insert(OrganizationWebhookEntity, webhook);
    return webhook;
  }

  findById(id: string): Promise<OrganizationWebhookEntity | null> {
    return this.webhooks.findOneBy({ id });
  }

  /** The organization's webhooks, oldest first. */
  listOf(organizationId: string): Promise<OrganizationWebhookEntity[]> {
    return this.webhooks.find({ where: { organizationId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Deletes the webhook (its deliveries go with it); false when it was already gone. */
  async delete(id: string, db: EntityManager = this.webhooks.manager): Promise<boolean> {
    const [, deleted] = (await db.query('DELETE FROM organization_webhooks WHERE id = $1', [id])) as [unknown, number];
    return deleted === 1;
  }
}
