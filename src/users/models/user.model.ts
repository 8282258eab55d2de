import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'An account.' })
export class User {
  @Field(() => ID, { description: 'Stable id of the account (a UUID).' })
  id: string;

  @Field({ description: 'Login email, normalised (trimmed, Unicode NFC, lower-case).' })
  email: string;

  @Field(() => String, { nullable: true, description: 'Display name given at sign-up, if any.' })
  name: string | null;

  @Field({ description: 'True once 2FA setup is completed; false again after disableTwoFactor.' })
  twoFactorEnabled: boolean;

  @Field({ description: 'When the account was created.' })
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
