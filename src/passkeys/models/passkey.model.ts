import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A WebAuthn credential (passkey or security key) registered as a second factor.' })
export class Passkey {
  @Field(() => ID, { description: 'Give it to renamePasskey or removePasskey.' })
  id: string;

  @Field({ description: 'The name the user gave it, so they can tell their keys apart.' })
  name: string;

  @Field({ description: 'When it was registered.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'The last sign-in or second step it verified; null if none yet.' })
  lastUsedAt: Date | null;

  @Field({ description: 'True when the authenticator says the credential is synced (a multi-device passkey).' })
  backedUp: boolean;

  @Field({ description: 'True when the credential is discoverable (a resident key): it can sign in without an email.' })
  discoverable: boolean;
}
