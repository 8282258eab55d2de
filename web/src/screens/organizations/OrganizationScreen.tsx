import { useCallback, useEffect, useState } from 'react';
import { request } from '../../api/client';
import { Link } from '../../app/router';
import type { Dictionary } from '../../i18n/en';
import { useI18n } from '../../i18n';
import { ErrorText } from '../../components/forms';
import { MembersPanel } from './MembersPanel';
import { OrganizationEventsPanel } from './OrganizationEventsPanel';
import { type Organization, OrganizationDocument } from './operations';
import { SecuritySettingsPanel } from './SecuritySettingsPanel';
import { WebhooksPanel } from './WebhooksPanel';

/** An organization's tabs; a new one is a line here and a panel file beside this one. */
const TABS: Array<{ id: string; label: (t: Dictionary) => string; Panel: (props: { organization: Organization; reload: () => void }) => React.ReactNode }> = [
  { id: 'members', label: (t) => t.organizations.membersTab, Panel: MembersPanel },
  { id: 'security', label: (t) => t.organizations.securityTab, Panel: SecuritySettingsPanel },
  { id: 'events', label: (t) => t.organizations.eventsTab, Panel: OrganizationEventsPanel },
  { id: 'webhooks', label: (t) => t.webhooks.tab, Panel: WebhooksPanel },
];

export function OrganizationScreen({ id, tab }: { id: string; tab: string }) {
  const { t } = useI18n();
  const [organization, setOrganization] = useState<Organization | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    request(OrganizationDocument, { id })
      .then(({ organization }) => setOrganization(organization))
      .catch(setError);
  }, [id]);
  useEffect(load, [load]);
  const current = TABS.find((candidate) => candidate.id === tab) ?? TABS[0]!;

  return (
    <section className="card">
      <p className="breadcrumb">
        <Link to="/organizations">{t.organizations.title}</Link> &gt; {organization?.name ?? ''}
      </p>
      <h1 tabIndex={-1}>{organization ? `${organization.name} · ${current.label(t)}` : t.organizations.title}</h1>
      <ErrorText error={error} />
      {organization && (
        <>
          <p>{t.organizations.yourRole(t.organizations.roles[organization.myRole])}</p>
          {organization.myRole === 'MEMBER' ? (
            <p>{t.organizations.managersOnly}</p>
          ) : (
            <>
              <nav aria-label={t.organizations.sections(organization.name)} className="tabs">
                {TABS.map((candidate) => (
                  <a key={candidate.id} href={`#/organizations/${id}/${candidate.id}`} aria-current={candidate === current ? 'page' : undefined}>
                    {candidate.label(t)}
                  </a>
                ))}
              </nav>
              <div className="panel">
                <current.Panel organization={organization} reload={load} />
              </div>
            </>
          )}
        </>
      )}
    </section>
  );
}
