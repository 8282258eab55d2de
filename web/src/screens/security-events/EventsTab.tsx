import { useEffect, useState } from 'react';
import { request } from '../../api/client';
import { graphql } from '../../gql';
import { useI18n } from '../../i18n';
import { ErrorText } from '../../components/forms';
import { AccountLayout } from '../account/AccountLayout';
import { EventList, type EventRow } from './EventList';

const MySecurityEventsDocument = graphql(`
  query MySecurityEvents {
    mySecurityEvents(first: 50) { id type occurredAt ipAddress userAgent device location actor { email } }
  }
`);

export function EventsTab() {
  const { t } = useI18n();
  const [events, setEvents] = useState<EventRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    request(MySecurityEventsDocument)
      .then(({ mySecurityEvents }) => setEvents(mySecurityEvents))
      .catch(setError);
  }, []);
  return (
    <AccountLayout current="/account/events">
      <h2>{t.events.title}</h2>
      <ErrorText error={error} />
      {events ? <EventList events={events} showAccount={false} /> : !error && <p>{t.loading}</p>}
    </AccountLayout>
  );
}
