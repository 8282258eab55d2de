import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A browser the user chose to remember at the second factor: logins from it skip the second factor until it expires or is revoked.' })
export class TrustedDevice {
  @Field(() => ID, { description: 'Give it to revokeTrustedDevice.' })
  id: string;

  @Field(() => String, { nullable: true, description: 'Browser and system from the user agent when it was remembered (e.g. "Firefox on Linux"), the user agent itself for a browser not known by name; null without one.' })
  name: string | null;

  @Field({ description: 'When the user chose to remember it.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'The last login that skipped the second factor with it; null if none yet.' })
  lastUsedAt: Date | null;

  @Field({ description: '30 days after it was remembered.' })
  expiresAt: Date;
}
