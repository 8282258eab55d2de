import { useCallback, useEffect, useState } from 'react';
import { request } from '../../api/client';
import { useSession } from '../../app/session';
import type { OrganizationMembersQuery as Members, OrganizationRole } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { ErrorText, Field, Form, Notice, useAction } from '../../components/forms';
import { DownloadButton } from './DownloadButton';
import { InvitationsSection } from './InvitationsSection';
import { ResetMemberTwoFactorForm } from './ResetMemberTwoFactorForm';
import {
  AddOrganizationMemberDocument,
  type Organization,
  OrganizationMembersDocument,
  RemoveOrganizationMemberDocument,
  UpdateOrganizationMemberRoleDocument,
} from './operations';
import { DataTable } from '../../components/data-table';

const ROLES: OrganizationRole[] = ['OWNER', 'ADMIN', 'MEMBER'];

type Member = Members['organizationMembers'][number];

/** As the API allows it: a manager resets another member's 2FA, and only an owner resets an owner's. */
function mayResetTwoFactor(myRole: OrganizationRole, myId: string | undefined, member: Member): boolean {
  if (!member.user.twoFactorEnabled || member.user.id === myId || myRole === 'MEMBER') return false;
  return myRole === 'OWNER' || member.role !== 'OWNER';
}

/**
 * Members with their 2FA status and roles; add, change role, remove, reset a lost second factor
 * (OWNER and ADMIN only).
 */
export function MembersPanel({ organization }: { organization: Organization }) {
  const { t, formatDateTime } = useI18n();
  const session = useSession();
  const organizationId = organization.id;
  const [members, setMembers] = useState<Members['organizationMembers'] | null>(null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OrganizationRole>('MEMBER');
  const [resetting, setResetting] = useState<Member['user'] | null>(null);
  const [resetDoneFor, setResetDoneFor] = useState<string | null>(null);
  const load = useAction(
    useCallback(async () => setMembers((await request(OrganizationMembersDocument, { organizationId })).organizationMembers), [organizationId]),
  );
  const change = useAction(async (userId: string, newRole: OrganizationRole) => {
    await request(UpdateOrganizationMemberRoleDocument, { input: { organizationId, userId, role: newRole } });
    await load.run();
  });
  const remove = useAction(async (userId: string) => {
    await request(RemoveOrganizationMemberDocument, { input: { organizationId, userId } });
    await load.run();
  });
  const add = useAction(async () => {
    await request(AddOrganizationMemberDocument, { input: { organizationId, email, role } });
    setEmail('');
    await load.run();
  });
  const { run: loadMembers } = load;
  useEffect(() => {
    void loadMembers();
  }, [loadMembers]);

  return (
    <>
      <h2>{t.organizations.membersTab}</h2>
      <DownloadButton
        label={t.exports.downloadReport}
        path={`/exports/organizations/${organization.id}/members-two-factor.csv`}
        filename={`members-two-factor-${organization.id}.csv`}
        operation="DownloadMembersReport"
      />
      <ErrorText error={load.error ?? change.error ?? remove.error} />
      {members && (
        <DataTable columns={[t.organizations.member, t.organizations.twoFactor, t.organizations.role, t.organizations.joined]} actions={t.memberReset.actionsColumn}>
          {members.map((member) => (
            <tr key={member.user.id}>
              <td>
                {member.user.email}
                {member.user.name && <span className="hint"> ({member.user.name})</span>}
              </td>
              <td>
                <span className={member.user.twoFactorEnabled ? 'badge on' : 'badge off'}>{member.user.twoFactorEnabled ? t.on : t.off}</span>
              </td>
              <td>
                <select
                  aria-label={t.organizations.roleOf(member.user.email)}
                  value={member.role}
                  disabled={change.busy}
                  onChange={(e) => void change.run(member.user.id, e.target.value as OrganizationRole)}
                >
                  {ROLES.map((value) => (
                    <option key={value} value={value}>
                      {t.organizations.roles[value]}
                    </option>
                  ))}
                </select>
              </td>
              <td>{formatDateTime(member.joinedAt)}</td>
              <td>
                <div className="row-actions">
                  {mayResetTwoFactor(organization.myRole, session.user?.id, member) && (
                    <button
                      type="button"
                      aria-label={t.memberReset.actionLabel(member.user.email)}
                      onClick={() => {
                        setResetDoneFor(null);
                        setResetting(member.user);
                      }}
                    >
                      {t.memberReset.action}
                    </button>
                  )}
                  {member.user.id !== session.user?.id && (
                    <button type="button" aria-label={t.organizations.removeLabel(member.user.email)} disabled={remove.busy} onClick={() => void remove.run(member.user.id)}>
                      {t.organizations.remove}
                    </button>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {resetDoneFor && <Notice>{t.memberReset.done(resetDoneFor)}</Notice>}
      {resetting &&
        (session.user?.twoFactorEnabled ? (
          <ResetMemberTwoFactorForm
            key={resetting.id}
            organizationId={organizationId}
            member={resetting}
            onCancel={() => setResetting(null)}
            onDone={() => {
              setResetDoneFor(resetting.email);
              setResetting(null);
              void load.run();
            }}
          />
        ) : (
          <p className="error" role="alert">
            {t.memberReset.needOwnTwoFactor}
          </p>
        ))}
      <h3>{t.organizations.addTitle}</h3>
      <Form onSubmit={() => void add.run()}>
        <Field label={t.organizations.addEmail} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <div className="field">
          <label htmlFor="new-member-role">{t.organizations.addRole}</label>
          <select id="new-member-role" value={role} onChange={(e) => setRole(e.target.value as OrganizationRole)}>
            {ROLES.map((value) => (
              <option key={value} value={value}>
                {t.organizations.roles[value]}
              </option>
            ))}
          </select>
        </div>
        <ErrorText error={add.error} />
        <button type="submit" className="primary" disabled={add.busy}>
          {t.organizations.add}
        </button>
      </Form>
      <InvitationsSection organization={organization} />
    </>
  );
}
