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

  @Field({ description: 'True when the credential is discoverable (a resident key): it can sign in without an email.' })
  discoverable: boolean;
}
