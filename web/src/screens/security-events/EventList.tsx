import type { SecurityEventType } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { DataTable } from '../../components/data-table';

export interface EventRow {
  id: string;
  type: SecurityEventType;
  occurredAt: string;
  ipAddress?: string | null;
  userAgent?: string | null;
  device?: string | null;
  location?: string | null;
  user?: { email: string } | null;
  actor?: { email: string } | null;
}

/** A table of security events, shared by the account's and the organization's lists. */
export function EventList({ events, showAccount }: { events: EventRow[]; showAccount: boolean }) {
  const { t, formatDateTime } = useI18n();
  if (events.length === 0) return <p>{t.events.none}</p>;
  return (
    <DataTable columns={[t.events.when, t.events.what, ...(showAccount ? [t.events.who] : []), t.events.from]}>
      {events.map((event) => (
        <tr key={event.id}>
          <td>{formatDateTime(event.occurredAt)}</td>
          <td>
            {t.events.types[event.type]}
            {event.actor && <span className="hint"> ({t.events.byActor(event.actor.email)})</span>}
          </td>
          {showAccount && <td>{event.user?.email ?? ''}</td>}
          <td className="small" title={event.userAgent ?? undefined}>
            {[event.ipAddress, event.location, event.device ?? event.userAgent].filter(Boolean).join(' · ')}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
