import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ErrorCode as Code } from '../common/app-error';
import type { AuthenticatedSession } from '../common/authenticated-session';
import { CurrentSession } from '../common/current-session.decorator';
import { describeOperation } from '../common/error-codes';
import { CreateOrganizationWebhookInput } from './dto/create-organization-webhook.input';
import { CreatedOrganizationWebhook, OrganizationWebhook, WebhookDelivery } from './models/webhook.model';
import { WebhooksService } from './webhooks.service';

@Resolver(() => OrganizationWebhook)
export class WebhooksResolver {
  constructor(private readonly webhooks: WebhooksService) {}

  @Query(() => [OrganizationWebhook], { description: describeOperation('OWNER and ADMIN only.', [Code.NOT_FOUND, Code.FORBIDDEN]) })
  organizationWebhooks(@CurrentSession() session: AuthenticatedSession, @Args('organizationId', { type: () => ID, description: 'Organization.id.' }) organizationId: string): Promise<OrganizationWebhook[]> {
    return this.webhooks.list(session.userId, organizationId);
  }

  @Query(() => [WebhookDelivery], {
    description: describeOperation('OWNER and ADMIN only: newest first, at most first (default 50, at most 200).', [Code.NOT_FOUND, Code.FORBIDDEN, Code.BAD_USER_INPUT]),
  })
  organizationWebhookDeliveries(
    @CurrentSession() session: AuthenticatedSession,
    @Args('webhookId', { type: () => ID, description: 'OrganizationWebhook.id.' }) webhookId: string,
    @Args('first', { type: () => Int, nullable: true, description: 'How many, 1 to 200; 50 when left out.' }) first?: number,
  ): Promise<WebhookDelivery[]> {
    return this.webhooks.listDeliveries(session.userId, webhookId, first);
  }

  @Mutation(() => CreatedOrganizationWebhook, {
    description: describeOperation('OWNER only, with 2FA on.', [Code.NOT_FOUND, Code.FORBIDDEN, Code.BAD_USER_INPUT, Code.FAILED_PRECONDITION]),
  })
  createOrganizationWebhook(@CurrentSession() session: AuthenticatedSession, @Args('input', { description: 'The organization, the URL and the event types.' }) input: CreateOrganizationWebhookInput): Promise<CreatedOrganizationWebhook> {
    return this.webhooks.create(session.user, input);
  }

  @Mutation(() => Boolean, { description: describeOperation('OWNER only.', [Code.NOT_FOUND, Code.FORBIDDEN]) })
  deleteOrganizationWebhook(@CurrentSession() session: AuthenticatedSession, @Args('id', { type: () => ID, description: 'OrganizationWebhook.id.' }) id: string): Promise<boolean> {
    return this.webhooks.delete(session.userId, id);
  }
}
