import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { SecurityEventType } from '../../audit/models/security-event.model';
import { User } from '../../users/models/user.model';

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}

registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a delivery stands.',
  valuesMap: {
    PENDING: { description: 'Waiting for its first try or a retry.' },
    DELIVERED: { description: 'The receiver answered 2xx.' },
    FAILED: { description: 'Every retry failed; the delivery is given up.' },
  },
});

@ObjectType({ description: "Where an organization's security events are sent, signed as Standard Webhooks." })
export class OrganizationWebhook {
  @Field(() => ID, { description: 'Give it to organizationWebhookDeliveries or deleteOrganizationWebhook.' })
  id: string;

  @Field(() => ID, { description: 'Organization.id of the organization whose events it receives.' })
  organizationId: string;

  @Field({ description: 'Where each event is POSTed.' })
  url: string;

  @Field(() => [SecurityEventType], { description: 'The event types it receives; empty means every event of the organization and of its members.' })
  eventTypes: SecurityEventType[];

  @Field({ description: 'When it was created.' })
  createdAt: Date;

  @Field(() => User, { nullable: true, description: 'The OWNER who created it; null once that account is deleted.' })
  createdBy: User | null;
}

@ObjectType({ description: 'A webhook just created, with the only copy of its signing secret.' })
export class CreatedOrganizationWebhook {
  @Field(() => OrganizationWebhook, { description: 'The webhook as organizationWebhooks lists it from now on.' })
  webhook: OrganizationWebhook;

  @Field({ description: 'The signing secret, whsec_ + base64 of 32 random bytes: shown only in this answer.' })
  secret: string;
}

@ObjectType({ description: 'One event sent (or to be sent) to one webhook.' })
export class WebhookDelivery {
  @Field(() => ID, { description: 'This delivery of one event to one webhook.' })
  id: string;

  @Field({ description: 'The webhook-id header: the same on every retry of one event.' })
  messageId: string;

  @Field(() => SecurityEventType, { description: 'The security event it carries.' })
  eventType: SecurityEventType;

  @Field(() => WebhookDeliveryStatus, { description: 'Pending, delivered or given up.' })
  status: WebhookDeliveryStatus;

  @Field(() => Int, { description: 'Tries so far.' })
  attempts: number;

  @Field(() => Date, { nullable: true, description: 'When the last try was sent; null before the first.' })
  lastAttemptAt: Date | null;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last attempt; null when it got no answer.' })
  lastResponseStatus: number | null;

  @Field(() => Date, { nullable: true, description: 'When the next try is due; null once DELIVERED or FAILED.' })
  nextAttemptAt: Date | null;
}
