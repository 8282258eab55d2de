import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class User {
  @Field(() => ID)
  id: string;

  @Field()
  email: string;

  @Field(() => String, { nullable: true })
  name: string | null;

  @Field()
  twoFactorEnabled: boolean;

  @Field()
  createdAt: Date;
}

export function toUser(user: { id: string; email: string; name: string | null; twoFactorEnabledAt: Date | null; createdAt: Date }): User {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    twoFactorEnabled: user.twoFactorEnabledAt !== null,
    createdAt: user.createdAt,
  };
}
