import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { accessToken, type ApiError, handleSessionErrors, request } from '../api/client';
import { graphql } from '../gql';
import type { AuthStatus } from '../gql/graphql';

export const SessionUserDocument = graphql(`
  query SessionUser {
    me { id email name twoFactorEnabled }
  }
`);

const LogoutDocument = graphql(`
  mutation Logout {
    logout
  }
`);

export interface SessionUser {
  id: string;
  email: string;
  name?: string | null;
  twoFactorEnabled: boolean;
}

/** Where the session stands, as the guard sees it: each phase opens its own screens. */
export type Phase = 'loading' | 'signedOut' | 'secondFactor' | 'forcedSetup' | 'signedIn';
export type SignOutNotice = 'signedOut' | 'sessionEnded' | 'secondStepEnded' | null;

export interface AuthPayloadLike {
  accessToken: string;
  status: AuthStatus;
  trustedDeviceToken?: string | null;
  user: SessionUser;
}

interface Session {
  phase: Phase;
  user: SessionUser | null;
  notice: SignOutNotice;
  /** Takes a new token from login, signUp, the second step or setup completion. */
  accept(payload: AuthPayloadLike): void;
  setUser(user: SessionUser): void;
  /** Ends the session on the server (when it still exists) and here. */
  signOut(notice?: SignOutNotice): Promise<void>;
  /** Forgets the session here only (the server already ended it). */
  forget(notice?: SignOutNotice): void;
}

const PHASE_KEY = 'console.phase';
const trustedDeviceKey = (email: string) => `console.trustedDevice.${email.toLowerCase()}`;

/** The device token that lets this browser skip the second factor (30 days), kept per account. */
export const trustedDevice = {
  get: (email: string) => localStorage.getItem(trustedDeviceKey(email)),
  set: (email: string, token: string) => localStorage.setItem(trustedDeviceKey(email), token),
};

const PHASE_OF_STATUS: Record<AuthStatus, Phase> = {
  AUTHENTICATED: 'signedIn',
  SECOND_FACTOR_REQUIRED: 'secondFactor',
  TWO_FACTOR_SETUP_REQUIRED: 'forcedSetup',
};

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [phase, setPhaseState] = useState<Phase>(() => (accessToken.get() ? 'loading' : 'signedOut'));
  const [user, setUser] = useState<SessionUser | null>(null);
  const [notice, setNotice] = useState<SignOutNotice>(null);

  const setPhase = useCallback((next: Phase) => {
    sessionStorage.setItem(PHASE_KEY, next);
    setPhaseState(next);
  }, []);

  const forget = useCallback((why: SignOutNotice = null) => {
    accessToken.set(null);
    sessionStorage.removeItem(PHASE_KEY);
    setUser(null);
    setNotice(why);
    setPhaseState('signedOut');
  }, []);

  // The guard's answers move the session: an ended session signs out, a missing factor asks for it.
  useEffect(() => {
    handleSessionErrors((error: ApiError) => {
      if (error.code === 'UNAUTHENTICATED') forget('sessionEnded');
      else if (error.code === 'SECOND_FACTOR_REQUIRED') setPhase('secondFactor');
      else if (error.code === 'TWO_FACTOR_SETUP_REQUIRED') setPhase('forcedSetup');
    });
  }, [forget, setPhase]);

  // A reload keeps the tab's session: ask who we are, and resume the phase we were in.
  useEffect(() => {
    if (!accessToken.get()) return;
    const stored = (sessionStorage.getItem(PHASE_KEY) as Phase | null) ?? 'signedIn';
    if (stored === 'secondFactor') {
      setPhaseState('secondFactor');
      return;
    }
    request(SessionUserDocument)
      .then(({ me }) => {
        setUser(me);
        setPhaseState(stored);
      })
      .catch(() => undefined);
  }, []);

  const session = useMemo<Session>(
    () => ({
      phase,
      user,
      notice,
      accept(payload) {
        accessToken.set(payload.accessToken);
        if (payload.trustedDeviceToken) trustedDevice.set(payload.user.email, payload.trustedDeviceToken);
        setUser(payload.user);
        setNotice(null);
        setPhase(PHASE_OF_STATUS[payload.status]);
      },
      setUser,
      async signOut(why = 'signedOut') {
        try {
          await request(LogoutDocument);
        } catch {
          // Already ended on the server: forgetting it here is all that is left.
        }
        forget(why);
      },
      forget,
    }),
    [phase, user, notice, setPhase, forget],
  );
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
