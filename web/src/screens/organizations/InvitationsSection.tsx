import { useCallback, useEffect, useState } from 'react';
import { request } from '../../api/client';
import type { OrganizationInvitationsQuery, OrganizationRole } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { ErrorText, Field, Form, Notice, useAction } from '../../components/forms';
import { InviteOrganizationMemberDocument, OrganizationInvitationsDocument, RevokeOrganizationInvitationDocument } from '../invitations/operations';
import type { Organization } from './operations';
import { DataTable } from '../../components/data-table';

type Invitation = OrganizationInvitationsQuery['organizationInvitations'][number];

/** Only an owner may make, or unmake, an owner. */
const rolesGrantedBy = (myRole: OrganizationRole): OrganizationRole[] => (myRole === 'OWNER' ? ['OWNER', 'ADMIN', 'MEMBER'] : ['ADMIN', 'MEMBER']);

/** The Members panel's invitations (OWNER and ADMIN): invite by email, and the pending ones with 'Revoke'. */
export function InvitationsSection({ organization }: { organization: Organization }) {
  const { t } = useI18n();
  const organizationId = organization.id;
  const [pending, setPending] = useState<Invitation[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = useAction(
    useCallback(async () => {
      const { organizationInvitations } = await request(OrganizationInvitationsDocument, { organizationId });
      setPending(organizationInvitations.filter((invitation) => invitation.status === 'PENDING'));
    }, [organizationId]),
  );
  const revoke = useAction(async (invitation: Invitation) => {
    setNotice(null);
    await request(RevokeOrganizationInvitationDocument, { id: invitation.id });
    setNotice(t.invitations.revoked(invitation.email));
    await load.run();
  });
  const { run: loadInvitations } = load;
  useEffect(() => {
    void loadInvitations();
  }, [loadInvitations]);

  return (
    <>
      <InviteForm
        organization={organization}
        onInvited={(email) => {
          setNotice(t.invitations.sent(email));
          void load.run();
        }}
        onStart={() => setNotice(null)}
      />
      <Notice>{notice}</Notice>
      <h3>{t.invitations.pendingTitle}</h3>
      <ErrorText error={load.error ?? revoke.error} />
      {pending && pending.length === 0 && <p>{t.invitations.noPending}</p>}
      {pending && pending.length > 0 && <PendingInvitations invitations={pending} myRole={organization.myRole} busy={revoke.busy} onRevoke={(invitation) => void revoke.run(invitation)} />}
    </>
  );
}

function InviteForm({ organization, onInvited, onStart }: { organization: Organization; onInvited: (email: string) => void; onStart: () => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OrganizationRole>('MEMBER');
  const invite = useAction(async () => {
    onStart();
    const { inviteOrganizationMember } = await request(InviteOrganizationMemberDocument, { input: { organizationId: organization.id, email, role } });
    setEmail('');
    onInvited(inviteOrganizationMember.email);
  });
  return (
    <>
      <h3>{t.invitations.inviteTitle}</h3>
      <p className="hint">{t.invitations.inviteIntro}</p>
      <Form label={t.invitations.inviteTitle} onSubmit={() => void invite.run()}>
        <Field label={t.invitations.email} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <div className="field">
          <label htmlFor="invitation-role">{t.invitations.role}</label>
          <select id="invitation-role" value={role} onChange={(e) => setRole(e.target.value as OrganizationRole)}>
            {rolesGrantedBy(organization.myRole).map((value) => (
              <option key={value} value={value}>
                {t.organizations.roles[value]}
              </option>
            ))}
          </select>
        </div>
        <ErrorText error={invite.error} />
        <button type="submit" className="primary" disabled={invite.busy}>
          {t.invitations.send}
        </button>
      </Form>
    </>
  );
}

function PendingInvitations({
  invitations,
  myRole,
  busy,
  onRevoke,
}: {
  invitations: Invitation[];
  myRole: OrganizationRole;
  busy: boolean;
  onRevoke: (invitation: Invitation) => void;
}) {
  const { t, formatDateTime } = useI18n();
  return (
    <DataTable label={t.invitations.pendingTitle} columns={[t.invitations.invitee, t.invitations.role, t.invitations.sentAt, t.invitations.expires]} actions={t.invitations.actions}>
      {invitations.map((invitation) => (
        <tr key={invitation.id}>
          <td>{invitation.email}</td>
          <td>{t.organizations.roles[invitation.role]}</td>
          <td>{formatDateTime(invitation.createdAt)}</td>
          <td>{formatDateTime(invitation.expiresAt)}</td>
          <td>
            {rolesGrantedBy(myRole).includes(invitation.role) && (
              <button type="button" aria-label={t.invitations.revokeLabel(invitation.email)} disabled={busy} onClick={() => onRevoke(invitation)}>
                {t.invitations.revoke}
              </button>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
