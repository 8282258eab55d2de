import { useCallback, useEffect, useState } from 'react';
import { request } from '../../api/client';
import { graphql } from '../../gql';
import type { SessionsQuery } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { ErrorText, Notice, useAction } from '../../components/forms';
import { AccountLayout } from '../account/AccountLayout';
import { DataTable } from '../../components/data-table';

const SessionsDocument = graphql(`
  query Sessions {
    sessions { id current level createdAt lastSeenAt ipAddress userAgent device location }
  }
`);

const RevokeSessionDocument = graphql(`
  mutation RevokeSession($id: ID!) {
    revokeSession(id: $id)
  }
`);

type Session = SessionsQuery['sessions'][number];

/** Where the account is signed in; any session but this one can be signed out. */
export function SessionsTab() {
  const { t } = useI18n();
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [revoked, setRevoked] = useState(false);
  const load = useAction(useCallback(async () => setSessions((await request(SessionsDocument)).sessions), []));
  const revoke = useAction(async (id: string) => {
    setRevoked(false);
    try {
      await request(RevokeSessionDocument, { id });
      setRevoked(true);
    } finally {
      // Ended or already gone: either way the list should show what is live now.
      await load.run();
    }
  });
  const { run: loadSessions } = load;
  useEffect(() => {
    void loadSessions();
  }, [loadSessions]);

  return (
    <AccountLayout current="/account/sessions">
      <h2>{t.sessions.title}</h2>
      <p>{t.sessions.intro}</p>
      <ErrorText error={load.error ?? revoke.error} />
      {revoked && <Notice>{t.sessions.signedOut}</Notice>}
      {sessions && (
        <DataTable columns={[t.sessions.device, t.sessions.ipAddress, t.sessions.place, t.sessions.signedIn, t.sessions.lastSeen]} actions={t.sessions.signOut}>
          {sessions.map((session) => (
            <SessionRow key={session.id} session={session} busy={revoke.busy} onRevoke={() => void revoke.run(session.id)} />
          ))}
        </DataTable>
      )}
    </AccountLayout>
  );
}

function SessionRow({ session, busy, onRevoke }: { session: Session; busy: boolean; onRevoke: () => void }) {
  const { t, formatDateTime } = useI18n();
  const device = session.device ?? t.sessions.unknownDevice;
  return (
    <tr aria-current={session.current ? 'true' : undefined}>
      <td>
        <span title={session.userAgent ?? undefined}>{device}</span>
        {session.current && <span className="badge on">{t.sessions.thisDevice}</span>}
        {session.level === 'PASSWORD' && <span className="badge">{t.sessions.pendingSecondStep}</span>}
      </td>
      <td>{session.ipAddress ?? t.sessions.unknownAddress}</td>
      <td>{session.location ?? t.sessions.unknownPlace}</td>
      <td>{formatDateTime(session.createdAt)}</td>
      <td>{session.lastSeenAt ? formatDateTime(session.lastSeenAt) : t.never}</td>
      <td>
        {!session.current && (
          <button type="button" aria-label={t.sessions.signOutLabel(device)} disabled={busy} onClick={onRevoke}>
            {t.sessions.signOut}
          </button>
        )}
      </td>
    </tr>
  );
}
