import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { MetricsModule } from '../metrics/metrics.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { OrganizationWebhookEntity } from './entities/organization-webhook.entity';
import { WebhookDeliveryEntity } from './entities/webhook-delivery.entity';
import { OrganizationWebhooksRepository } from './organization-webhooks.repository';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookOutboxListener } from './webhook-outbox.listener';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookTransport } from './webhook-transport';
import { WebhooksResolver } from './webhooks.resolver';
import { WebhooksService } from './webhooks.service';

/**
 * Organizations' security events sent to their own systems, signed as Standard Webhooks. It hooks
 * into audit (an outbox row beside each event) without audit knowing it exists.
 */
@Module({
  imports: [TypeOrmModule.forFeature([OrganizationWebhookEntity, WebhookDeliveryEntity]), AuditModule, MetricsModule, OrganizationsModule, UsersModule],
  providers: [
    WebhooksService,
    WebhooksResolver,
    WebhookOutboxListener,
    WebhookDeliveryService,
    WebhookSecrets,
    WebhookTransport,
    OrganizationWebhooksRepository,
    WebhookDeliveriesRepository,
  ],
  exports: [WebhookDeliveryService],
})
export class WebhooksModule {}
