import { useEffect, useRef, useState } from 'react';
import { DICTIONARIES, type Locale, useI18n } from '../i18n';
import { Link, matchPath, navigate, usePath } from './router';
import { pendingInvitation } from '../screens/invitations/pending-invitation';
import { ROUTES, START_OF_PHASE } from './routes';
import { type Phase, useSession } from './session';

export function App() {
  const { t } = useI18n();
  const session = useSession();
  const path = usePath();

  const found = ROUTES.map((route) => ({ route, params: matchPath(route.path, path) })).find((candidate) => candidate.params);
  const allowed = found && session.phase !== 'loading' && (found.route.phase === 'any' || found.route.phase === session.phase);

  // A screen of another phase (or none) sends the person to the start of the phase they are in.
  useEffect(() => {
    if (session.phase !== 'loading' && !allowed && path !== '/not-found') {
      navigate(found || path === '/' ? startOf(session.phase) : '/not-found');
    }
  }, [session.phase, allowed, found, path]);

  return (
    <>
      <header className="topbar">
        <Link to="/" className="brand">
          {t.productName}
        </Link>
        <div className="topbar-end">
          <LanguageSwitch />
          {session.phase === 'signedIn' && session.user && <ProfileMenu email={session.user.email} />}
        </div>
      </header>
      <main id="main">
        {session.phase === 'loading' && <p>{t.loading}</p>}
        {allowed && found.route.render(found.params!)}
        {path === '/not-found' && (
          <section className="card narrow">
            <h1 tabIndex={-1}>{t.notFoundPage}</h1>
            <Link to="/">{t.goHome}</Link>
          </section>
        )}
      </main>
    </>
  );
}

/** Where a phase starts; an invitation link opened before signing in comes first once the person is in. */
function startOf(phase: Exclude<Phase, 'loading'>): string {
  const invitation = phase === 'signedIn' || phase === 'forcedSetup' ? pendingInvitation.path() : null;
  return invitation ?? START_OF_PHASE[phase];
}

function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  return (
    <div className="language" role="group" aria-label={t.language}>
      {(Object.keys(DICTIONARIES) as Locale[]).map((candidate) => (
        <button
          key={candidate}
          type="button"
          lang={candidate}
          aria-pressed={candidate === locale}
          onClick={() => setLocale(candidate)}
        >
          {DICTIONARIES[candidate].languageName}
        </button>
      ))}
    </div>
  );
}

/** The profile area at the top right: it opens 'Account Management' (as the guide says) and more. */
function ProfileMenu({ email }: { email: string }) {
  const { t } = useI18n();
  const session = useSession();
  const [open, setOpen] = useState(false);
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !menu.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
  const go = (to: string) => {
    setOpen(false);
    navigate(to);
  };
  return (
    <div className="profile" ref={menu}>
      <button type="button" aria-expanded={open} aria-controls="profile-menu" aria-label={t.header.profileMenu(email)} onClick={() => setOpen(!open)}>
        <span aria-hidden="true" className="avatar">
          {email.slice(0, 1).toUpperCase()}
        </span>
        <span className="profile-email">{email}</span>
      </button>
      {open && (
        <ul id="profile-menu" className="menu">
          <li>
            <button type="button" onClick={() => go('/account/two-factor')}>
              {t.header.accountManagement}
            </button>
          </li>
          <li>
            <button type="button" onClick={() => go('/organizations')}>
              {t.header.organizationManagement}
            </button>
          </li>
          <li>
            <button type="button" onClick={() => void session.signOut('signedOut')}>
              {t.header.signOut}
            </button>
          </li>
        </ul>
      )}
    </div>
  );
}
