import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { User } from '../../users/models/user.model';

export enum AuthStatus {
  AUTHENTICATED = 'AUTHENTICATED',
  SECOND_FACTOR_REQUIRED = 'SECOND_FACTOR_REQUIRED',
  TWO_FACTOR_SETUP_REQUIRED = 'TWO_FACTOR_SETUP_REQUIRED',
}

registerEnumType(AuthStatus, {
  name: 'AuthStatus',
  description: 'What the session in an AuthPayload may do.',
  valuesMap: {
    AUTHENTICATED: { description: 'Fully signed in.' },
    SECOND_FACTOR_REQUIRED: { description: 'Password accepted; only verifyLoginSecondFactor and logout are open.' },
    TWO_FACTOR_SETUP_REQUIRED: {
      description:
        'Password accepted, but an organization requires 2FA and the user has none: only me, twoFactorStatus, myOrganizations, the setup mutations, leaving an organization (removeOrganizationMember on oneself) and logout are open.',
    },
  },
});

@ObjectType({ description: 'A session that was just issued (signUp, login, verifyLoginSecondFactor, completeTwoFactorSetup): send accessToken as `Authorization: Bearer <accessToken>`.' })
export class AuthPayload {
  @Field({ description: "Bearer token of the session. A new token is issued whenever the session's level rises; the old one stops working." })
  accessToken: string;

  @Field(() => AuthStatus, { description: 'What the session may do: fully signed in, waiting for the second factor, or only 2FA setup.' })
  status: AuthStatus;

  @Field({ description: 'When the session ends: 10 minutes for a pending one (SECOND_FACTOR_REQUIRED), 24 hours for a full one.' })
  expiresAt: Date;

  @Field(() => String, {
    nullable: true,
    description: 'Issued only by verifyLoginSecondFactor with rememberDevice: true. Presented at login, it skips the second factor on that device.',
  })
  trustedDeviceToken?: string | null;

  @Field({
    description:
      'True when login was given a trustedDeviceToken that is not (or no longer) valid: expired after 30 days, revoked, or from another account. The client should forget it; the second factor is asked as usual.',
  })
  trustedDeviceRejected: boolean;

  @Field(() => User, { description: 'The signed-in user.' })
  user: User;
}
