import { useEffect, useState } from 'react';
import { request } from '../../api/client';
import { useI18n } from '../../i18n';
import { ErrorText } from '../../components/forms';
import { EventList, type EventRow } from '../security-events/EventList';
import { DownloadButton } from './DownloadButton';
import { type Organization, OrganizationSecurityEventsDocument } from './operations';

export function OrganizationEventsPanel({ organization }: { organization: Organization }) {
  const { t } = useI18n();
  const [events, setEvents] = useState<EventRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    request(OrganizationSecurityEventsDocument, { organizationId: organization.id })
      .then(({ organizationSecurityEvents }) => setEvents(organizationSecurityEvents))
      .catch(setError);
  }, [organization.id]);
  return (
    <>
      <h2>{t.events.title}</h2>
      <DownloadButton
        label={t.exports.exportEvents}
        path={`/exports/organizations/${organization.id}/security-events.ndjson`}
        filename={`security-events-${organization.id}.ndjson`}
        operation="ExportSecurityEvents"
      />
      <ErrorText error={error} />
      {events ? <EventList events={events} showAccount /> : !error && <p>{t.loading}</p>}
    </>
  );
}
