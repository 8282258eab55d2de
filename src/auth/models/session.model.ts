import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { SessionLevel } from '../entities/session.entity';

registerEnumType(SessionLevel, {
  name: 'SessionLevel',
  description: 'How far a session has signed in.',
  valuesMap: {
    PASSWORD: { description: 'Password accepted, second factor pending.' },
    FULL: { description: 'Fully signed in.' },
  },
});

@ObjectType({ description: 'A signed-in session of the caller (a browser or app where they are signed in).' })
export class Session {
  @Field(() => ID, { description: 'Give it to revokeSession.' })
  id: string;

  @Field({ description: 'True for the session that made this request.' })
  current: boolean;

  @Field(() => SessionLevel, { description: 'PASSWORD while the second factor is pending, else FULL.' })
  level: SessionLevel;

  @Field({ description: 'When the session signed in.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'The last request made with it (to the minute).' })
  lastSeenAt: Date | null;

  @Field({ description: 'When it ends unless revoked sooner.' })
  expiresAt: Date;

  @Field(() => String, { nullable: true, description: 'The client address that signed in; null when unknown.' })
  ipAddress: string | null;

  @Field(() => String, { nullable: true, description: 'The user agent that signed in; null when unknown.' })
  userAgent: string | null;

  @Field(() => String, { nullable: true, description: "Browser and operating system read from the user agent, e.g. 'Firefox on Windows'; null when unknown." })
  device: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Approximate place of the address, from an offline database shipped with the server, e.g. 'Seoul, KR'; null for private and unknown addresses.",
  })
  location: string | null;
}
