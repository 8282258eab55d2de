/**
 * The account behind a session as the guard loaded it for this request (no password hash): what
 * services are handed as the caller.
 */
export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  twoFactorEnabledAt: Date | null;
  createdAt: Date;
}

/** The session behind the request's bearer token, as the guard resolved it from the database. */
export interface AuthenticatedSession {
  sessionId: string;
  userId: string;
  level: 'PASSWORD' | 'FULL';
  expiresAt: Date;
  /** Its second factor was a passkey (or it is a one-step passkey sign-in). */
  passkeyVerified: boolean;
  user: SessionUser;
}
