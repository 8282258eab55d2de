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
  PASSKEY_ADDED = 'PASSKEY_ADDED',
  PASSKEY_REMOVED = 'PASSKEY_REMOVED',
  ORGANIZATION_INVITATION_SENT = 'ORGANIZATION_INVITATION_SENT',
  ORGANIZATION_INVITATION_ACCEPTED = 'ORGANIZATION_INVITATION_ACCEPTED',
  ORGANIZATION_INVITATION_REVOKED = 'ORGANIZATION_INVITATION_REVOKED',
  TWO_FACTOR_RESET_BY_ADMIN = 'TWO_FACTOR_RESET_BY_ADMIN',
  PASSWORD_RESET_REQUESTED = 'PASSWORD_RESET_REQUESTED',
  PASSWORD_RESET = 'PASSWORD_RESET',
  SESSION_REVOKED = 'SESSION_REVOKED',
  PASSKEY_SIGN_IN_SUCCEEDED = 'PASSKEY_SIGN_IN_SUCCEEDED',
  PASSKEY_SIGN_IN_FAILED = 'PASSKEY_SIGN_IN_FAILED',
  ORGANIZATION_WEBHOOK_CREATED = 'ORGANIZATION_WEBHOOK_CREATED',
  ORGANIZATION_WEBHOOK_DELETED = 'ORGANIZATION_WEBHOOK_DELETED',
  RECOVERY_CODES_LOW = 'RECOVERY_CODES_LOW',
  AUTHENTICATOR_REPLACED = 'AUTHENTICATOR_REPLACED',
  NEW_DEVICE_SIGN_IN = 'NEW_DEVICE_SIGN_IN',
  SIGN_IN_REPORTED_UNRECOGNIZED = 'SIGN_IN_REPORTED_UNRECOGNIZED',
}

registerEnumType(SecurityEventType, {
  name: 'SecurityEventType',
  description: 'What happened.',
  valuesMap: {
    SIGNED_UP: { description: 'The account was created.' },
    LOGIN_SUCCEEDED: { description: 'The password was right (the second factor may still follow).' },
    LOGIN_FAILED: { description: 'A wrong password at login.' },
    SECOND_FACTOR_SUCCEEDED: { description: 'A login was completed with a code, a recovery code or a passkey.' },
    SECOND_FACTOR_FAILED: { description: 'A wrong second-factor code at login.' },
    ACCOUNT_LOCKED: { description: "Too many wrong codes: the account's second factor is paused, and the user was mailed." },
    TWO_FACTOR_ENABLED: { description: 'Setup was completed; other sessions ended.' },
    TWO_FACTOR_DISABLED: { description: '2FA was turned off.' },
    RECOVERY_CODE_USED: { description: 'A recovery code was spent.' },
    RECOVERY_CODES_REISSUED: { description: 'A new set of recovery codes replaced the old one.' },
    TRUSTED_DEVICE_ADDED: { description: 'A browser was remembered at the second factor.' },
    TRUSTED_DEVICE_REVOKED: { description: 'A trusted device was revoked.' },
    PASSWORD_CHANGED: { description: 'The password was changed; other sessions and trusted devices ended.' },
    PASSWORD_CHECK_FAILED: {
      description: 'A wrong password inside a session (changePassword, reissueRecoveryCodes, disableTwoFactor): it counts against the login limit.',
    },
    LOGGED_OUT_EVERYWHERE: { description: 'Every session and trusted device was ended.' },
    ORGANIZATION_MEMBER_ADDED: { description: 'A member joined an organization (actor: who added them).' },
    ORGANIZATION_MEMBER_REMOVED: { description: 'A member left or was removed (actor: who removed them).' },
    ORGANIZATION_ROLE_CHANGED: { description: "A member's role changed (actor: who changed it)." },
    ORGANIZATION_SECURITY_SETTINGS_CHANGED: { description: "An organization's 2FA requirement changed." },
    PASSKEY_ADDED: { description: 'A passkey or security key was registered as a second factor.' },
    PASSKEY_REMOVED: { description: 'A passkey or security key was removed.' },
    ORGANIZATION_INVITATION_SENT: { description: 'An OWNER or ADMIN (user) invited someone by email; the invitee is not named, so the log does not tell whether the address has an account.' },
    ORGANIZATION_INVITATION_ACCEPTED: { description: 'The invitee (user) accepted an invitation and joined the organization.' },
    ORGANIZATION_INVITATION_REVOKED: { description: 'An OWNER or ADMIN (user) revoked a pending invitation.' },
    TWO_FACTOR_RESET_BY_ADMIN: {
      description: "An OWNER or ADMIN (actor) turned the member's (user) 2FA off after a lost second factor: authenticator, recovery codes, passkeys, trusted devices and sessions ended.",
    },
    PASSWORD_RESET_REQUESTED: { description: 'A password reset link was mailed (requestPasswordReset for a known email).' },
    PASSWORD_RESET: { description: 'The password was set from a reset link; every session and trusted device ended.' },
    SESSION_REVOKED: { description: 'The user ended one of their sessions (revokeSession).' },
    PASSKEY_SIGN_IN_SUCCEEDED: { description: 'A one-step passkey sign-in (finishPasskeySignIn) reached a session.' },
    PASSKEY_SIGN_IN_FAILED: { description: "A one-step passkey sign-in was refused for this account's passkey (wrong signature, replayed or foreign challenge, no user verification)." },
    ORGANIZATION_WEBHOOK_CREATED: { description: 'An OWNER (user) added a webhook to the organization.' },
    ORGANIZATION_WEBHOOK_DELETED: { description: 'An OWNER (user) deleted a webhook of the organization.' },
    RECOVERY_CODES_LOW: { description: 'A used recovery code left 3 or fewer of the set; the user was mailed (once per set).' },
    NEW_DEVICE_SIGN_IN: {
      description: 'A full sign-in from a device and place the account had not signed in from in 90 days; the user was mailed, with a link to report it (at most 3 mails an hour).',
    },
    SIGN_IN_REPORTED_UNRECOGNIZED: {
      description: "The user reported a new sign-in as not theirs (reportUnrecognizedSignIn): that session and every trusted device ended, and a password reset link was mailed.",
    },
    AUTHENTICATOR_REPLACED: { description: "The authenticator app moved to a new phone (confirmAuthenticatorReplacement): the old app's codes stopped working; nothing else changed." },
  },
});

@ObjectType({ description: 'One security-relevant thing that happened to an account or an organization.' })
export class SecurityEvent {
  @Field(() => ID, { description: 'Grows with every event.' })
  id: string;

  @Field(() => SecurityEventType, { description: 'What happened.' })
  type: SecurityEventType;

  @Field({ description: 'When it happened.' })
  occurredAt: Date;

  /** Resolved to `user` and `actor` by the auth module's field resolver. */
  userId: string | null;
  actorUserId: string | null;

  @Field(() => ID, { nullable: true, description: 'The organization it concerns, for organization events.' })
  organizationId: string | null;

  @Field(() => String, { nullable: true, description: 'Client address of the request that caused it.' })
  ipAddress: string | null;

  @Field(() => String, { nullable: true, description: 'User agent of the request that caused it.' })
  userAgent: string | null;
}
