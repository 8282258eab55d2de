import { type ReactNode, useEffect, useRef } from 'react';
import type { Dictionary } from '../../i18n/en';
import { useI18n } from '../../i18n';

/** The Account Management window's tabs; a new tab is one line here and one route in app/routes.tsx. */
export const ACCOUNT_TABS: Array<{ path: string; label: (t: Dictionary) => string }> = [
  { path: '/account/two-factor', label: (t) => t.account.twoFactorTab },
  { path: '/account/devices', label: (t) => t.account.devicesTab },
  { path: '/account/password', label: (t) => t.account.passwordTab },
  { path: '/account/sessions', label: (t) => t.sessions.tab },
  { path: '/account/events', label: (t) => t.account.eventsTab },
];

export function AccountLayout({ current, children }: { current: string; children: ReactNode }) {
  const { t } = useI18n();
  const tabs = useRef<HTMLElement>(null);
  // On a phone the tabs scroll sideways: the current one is brought into sight, not left off-screen.
  useEffect(() => {
    tabs.current?.querySelector('[aria-current="page"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [current]);
  return (
    <section className="card">
      <h1 tabIndex={-1}>{t.account.title}</h1>
      <nav aria-label={t.account.tabs} className="tabs" ref={tabs}>
        {ACCOUNT_TABS.map((tab) => (
          <a key={tab.path} href={`#${tab.path}`} aria-current={current.startsWith(tab.path) ? 'page' : undefined}>
            {tab.label(t)}
          </a>
        ))}
      </nav>
      <div className="panel">{children}</div>
    </section>
  );
}
