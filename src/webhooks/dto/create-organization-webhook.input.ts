import { Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsEnum, IsOptional, IsString, MaxLength } from 'class-validator';
import { SecurityEventType } from '../../audit/models/security-event.model';

export const WEBHOOK_URL_MAX_LENGTH = 2048;

@InputType({ description: 'A webhook to add to an organization.' })
export class CreateOrganizationWebhookInput {
  @Field(() => ID, { description: 'Organization.id.' })
  @IsString()
  organizationId: string;

  @Field({
    description:
      'https:// (http:// only where the operator allows private networks, for development). BAD_USER_INPUT when it resolves to a loopback, private or link-local address unless the operator allowed private networks (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true), and always for cloud metadata addresses (169.254.169.254, fd00:ec2::254). The address is checked again at every delivery (DNS may change).',
  })
  @IsString()
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  url: string;

  @Field(() => [SecurityEventType], { nullable: true, description: 'The event types to receive; left out or empty: every event.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(Object.keys(SecurityEventType).length)
  @IsEnum(SecurityEventType, { each: true })
  eventTypes?: SecurityEventType[] | null;
}
