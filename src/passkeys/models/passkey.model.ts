import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A WebAuthn credential (passkey or security key) registered as a second factor.' })
export class Passkey {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt: Date | null;

  @Field({ description: 'True when the authenticator says the credential is synced (a multi-device passkey).' })
  backedUp: boolean;
}
