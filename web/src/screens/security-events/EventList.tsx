import type { SecurityEventType } from '../../gql/graphql';
import { useI18n } from '../../i18n';

export interface EventRow {
  id: string;
  type: SecurityEventType;
  occurredAt: string;
  ipAddress?: string | null;
  userAgent?: string | null;
  user?: { email: string } | null;
  actor?: { email: string } | null;
}

/** A table of security events, shared by the account's and the organization's lists. */
export function EventList({ events, showAccount }: { events: EventRow[]; showAccount: boolean }) {
  const { t, formatDateTime } = useI18n();
  if (events.length === 0) return <p>{t.events.none}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t.events.when}</th>
            <th scope="col">{t.events.what}</th>
            {showAccount && <th scope="col">{t.events.who}</th>}
            <th scope="col">{t.events.from}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <td>{formatDateTime(event.occurredAt)}</td>
              <td>
                {t.events.types[event.type]}
                {event.actor && <span className="hint"> ({t.events.byActor(event.actor.email)})</span>}
              </td>
              {showAccount && <td>{event.user?.email ?? ''}</td>}
              <td className="small">{[event.ipAddress, event.userAgent].filter(Boolean).join(' · ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
