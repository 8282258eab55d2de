import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum SecurityEventType {
  SIGNED_UP = 'SIGNED_UP',
  LOGIN_SUCCEEDED = 'LOGIN_SUCCEEDED',
  LOGIN_FAILED = 'LOGIN_FAILED',
  SECOND_FACTOR_SUCCEEDED = 'SECOND_FACTOR_SUCCEEDED',
  SECOND_FACTOR_FAILED = 'SECOND_FACTOR_FAILED',
  ACCOUNT_LOCKED = 'ACCOUNT_LOCKED',
  TWO_FACTOR_ENABLED = 'TWO_FACTOR_ENABLED',
  TWO_FACTOR_DISABLED = 'TWO_FACTOR_DISABLED',
  RECOVERY_CODE_USED = 'RECOVERY_CODE_USED',
  RECOVERY_CODES_REISSUED = 'RECOVERY_CODES_REISSUED',
  TRUSTED_DEVICE_ADDED = 'TRUSTED_DEVICE_ADDED',
  TRUSTED_DEVICE_REVOKED = 'TRUSTED_DEVICE_REVOKED',
  PASSWORD_CHANGED = 'PASSWORD_CHANGED',
  PASSWORD_CHECK_FAILED = 'PASSWORD_CHECK_FAILED',
  LOGGED_OUT_EVERYWHERE = 'LOGGED_OUT_EVERYWHERE',
  ORGANIZATION_MEMBER_ADDED = 'ORGANIZATION_MEMBER_ADDED',
  ORGANIZATION_MEMBER_REMOVED = 'ORGANIZATION_MEMBER_REMOVED',
  ORGANIZATION_ROLE_CHANGED = 'ORGANIZATION_ROLE_CHANGED',
  ORGANIZATION_SECURITY_SETTINGS_CHANGED = 'ORGANIZATION_SECURITY_SETTINGS_CHANGED',
}

registerEnumType(SecurityEventType, { name: 'SecurityEventType' });

@ObjectType()
export class SecurityEvent {
  @Field(() => ID)
  id: string;

  @Field(() => SecurityEventType)
  type: SecurityEventType;

  @Field()
  occurredAt: Date;

  /** Resolved to `user` and `actor` by the auth module's field resolver. */
  userId: string | null;
  actorUserId: string | null;

  @Field(() => ID, { nullable: true })
  organizationId: string | null;

  @Field(() => String, { nullable: true })
  ipAddress: string | null;

  @Field(() => String, { nullable: true })
  userAgent: string | null;
}
