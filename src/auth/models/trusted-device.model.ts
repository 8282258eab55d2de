import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class TrustedDevice {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true })
  name: string | null;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt: Date | null;

  @Field()
  expiresAt: Date;
}
