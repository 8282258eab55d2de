/** The session behind the request's bearer token, as the guard resolved it from the database. */
export interface AuthenticatedSession {
  sessionId: string;
  userId: string;
  level: 'PASSWORD' | 'FULL';
  expiresAt: Date;
  /** Its second factor was a passkey (or it is a one-step passkey sign-in). */
  passkeyVerified: boolean;
  user: {
    id: string;
    email: string;
    name: string | null;
    twoFactorEnabledAt: Date | null;
    createdAt: Date;
  };
}
