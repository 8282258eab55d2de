/** The session behind the request's bearer token, as the guard resolved it from the database. */
export interface AuthenticatedSession {
  sessionId: string;
  userId: string;
  level: 'PASSWORD' | 'FULL';
  expiresAt: Date;
  user: {
    id: string;
    email: string;
    name: string | null;
    twoFactorEnabledAt: Date | null;
    createdAt: Date;
  };
}
