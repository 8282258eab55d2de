import { useEffect, useState } from 'react';
import { request } from '../../api/client';
import type { MyInvitationsQuery } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { ErrorText } from '../../components/forms';
import { MyInvitationsDocument } from './operations';
import { DataTable } from '../../components/data-table';

/**
 * Invitations waiting for the signed-in person. The API answers an invitation by its mailed token
 * only, so the mail's link is where one accepts or declines. The server lists them only once the
 * account's email is confirmed (a code entered, a reset link used, an invitation accepted), so an
 * empty list says so and points to the link: it may be empty while an invitation is on its way.
 */
export function MyInvitations() {
  const { t } = useI18n();
  const [invitations, setInvitations] = useState<MyInvitationsQuery['myInvitations'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    request(MyInvitationsDocument)
      .then(({ myInvitations }) => setInvitations(myInvitations))
      .catch(setError);
  }, []);
  // A failed load is said, not hidden: an invitation the person expects would otherwise just be missing.
  if (error) return <ErrorText error={error} />;
  // Nothing until the answer: the empty-list hint must not flash before the invitations arrive.
  if (!invitations) return null;
  return (
    <section aria-labelledby="my-invitations-title">
      <h2 id="my-invitations-title">{t.invitations.mineTitle}</h2>
      {invitations.length === 0 ? <p className="hint">{t.invitations.mineEmpty}</p> : <InvitationList invitations={invitations} />}
    </section>
  );
}

function InvitationList({ invitations }: { invitations: MyInvitationsQuery['myInvitations'] }) {
  const { t, formatDateTime } = useI18n();
  return (
    <>
      <p>{t.invitations.mineIntro}</p>
      <DataTable columns={[t.invitations.organization, t.invitations.role, t.organizations.twoFactor, t.invitations.expires]}>
        {invitations.map((invitation) => (
          <tr key={invitation.id}>
            <td>{invitation.organizationName}</td>
            <td>{t.organizations.roles[invitation.role]}</td>
            <td>{invitation.requiresTwoFactor ? t.invitations.requiresTwoFactor : t.invitations.noRequirement}</td>
            <td>{formatDateTime(invitation.expiresAt)}</td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
