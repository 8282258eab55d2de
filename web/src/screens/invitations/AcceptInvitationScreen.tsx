import { useEffect, useState } from 'react';
import { ApiError, request } from '../../api/client';
import { currentQuery, Link, navigate } from '../../app/router';
import { useSession } from '../../app/session';
import type { AcceptOrganizationInvitationMutation, InvitationForTokenQuery } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { ErrorText, Notice, useAction } from '../../components/forms';
import { organizationPath } from '../organizations/organization-path';
import { AcceptOrganizationInvitationDocument, DeclineOrganizationInvitationDocument, InvitationForTokenDocument, JoinedTwoFactorStatusDocument } from './operations';
import { pendingInvitation } from './pending-invitation';

type Joined = AcceptOrganizationInvitationMutation['acceptOrganizationInvitation'];

/** Answers after which the link cannot be used by this account any more. */
const DEAD_INVITATION_CODES = new Set(['NOT_FOUND', 'CODE_EXPIRED', 'CONFLICT']);

/**
 * The page the mailed invitation link opens (`#/invitations/accept?token=…`), whatever the session
 * phase: signed out, it remembers the link and sends the person to sign in or up; signed in, it
 * accepts or declines.
 */
export function AcceptInvitationScreen() {
  const { t } = useI18n();
  const session = useSession();
  const [token] = useState(() => currentQuery().get('token') ?? '');
  const signedIn = session.phase === 'signedIn' || session.phase === 'forcedSetup';

  // Signed out (or half signed in), the link is remembered until the person is in; then it is here again.
  useEffect(() => {
    if (!token) return;
    if (signedIn) pendingInvitation.forget();
    else pendingInvitation.remember(token);
  }, [token, signedIn]);

  return (
    <section className="card narrow">
      <h1 tabIndex={-1}>{t.invitations.acceptTitle}</h1>
      {!token ? (
        <p className="error" role="alert">
          {t.invitations.noToken}
        </p>
      ) : session.phase === 'signedOut' ? (
        <>
          <p>{t.invitations.signedOutIntro}</p>
          <div className="actions">
            <button type="button" className="primary" onClick={() => navigate('/sign-in')}>
              {t.invitations.toSignIn}
            </button>
            <button type="button" onClick={() => navigate('/sign-up')}>
              {t.invitations.toSignUp}
            </button>
          </div>
        </>
      ) : session.phase === 'secondFactor' ? (
        <>
          <p>{t.invitations.secondFactorIntro}</p>
          <button type="button" className="primary" onClick={() => navigate('/second-step')}>
            {t.invitations.continueSignIn}
          </button>
        </>
      ) : (
        <AnswerInvitation token={token} />
      )}
    </section>
  );
}

function AnswerInvitation({ token }: { token: string }) {
  const { t } = useI18n();
  const session = useSession();
  const [declined, setDeclined] = useState(false);
  const [joined, setJoined] = useState<{ organization: Joined; setupRequiredBy: string | null } | null>(null);
  const accept = useAction(async () => {
    const { acceptOrganizationInvitation: organization } = await request(AcceptOrganizationInvitationDocument, { token });
    if (organization.securitySettings.requireTwoFactor) {
      const { twoFactorStatus } = await request(JoinedTwoFactorStatusDocument);
      if (!twoFactorStatus.enabled) {
        setJoined({ organization, setupRequiredBy: twoFactorStatus.setupRequiredBy ?? null });
        return;
      }
    }
    navigate(organizationPath(organization));
  });
  const decline = useAction(async () => {
    await request(DeclineOrganizationInvitationDocument, { token });
    setDeclined(true);
  });
  const error = accept.error ?? decline.error;
  const dead = error instanceof ApiError && DEAD_INVITATION_CODES.has(error.code);

  if (joined) return <JoinedNeedsTwoFactor organization={joined.organization} setupRequiredBy={joined.setupRequiredBy} />;
  if (declined) {
    return (
      <>
        <Notice>{t.invitations.declined}</Notice>
        <Link to="/organizations">{t.invitations.toOrganizations}</Link>
      </>
    );
  }
  return (
    <>
      <p>{t.invitations.signedInIntro(session.user?.email ?? '')}</p>
      <InvitationPreview token={token} />
      <ErrorText error={error} />
      {dead ? (
        <Link to="/organizations">{t.invitations.toOrganizations}</Link>
      ) : (
        <div className="actions">
          <button type="button" className="primary" disabled={accept.busy || decline.busy} onClick={() => void accept.run()}>
            {t.invitations.accept}
          </button>
          <button type="button" disabled={accept.busy || decline.busy} onClick={() => void decline.run()}>
            {t.invitations.decline}
          </button>
        </div>
      )}
    </>
  );
}

/** What the link invites to, when it is addressed to this account (the token proves the mailbox). */
function InvitationPreview({ token }: { token: string }) {
  const { t } = useI18n();
  const [invitation, setInvitation] = useState<InvitationForTokenQuery['invitationForToken'] | null>(null);
  useEffect(() => {
    request(InvitationForTokenDocument, { token })
      .then(({ invitationForToken }) => setInvitation(invitationForToken ?? null))
      .catch(() => undefined);
  }, [token]);
  if (!invitation) return null;
  return (
    <>
      <p>
        <strong>{t.invitations.details(invitation.organizationName, t.organizations.roles[invitation.role])}</strong>
      </p>
      {invitation.requiresTwoFactor && <p className="hint">{t.invitations.twoFactorNotice}</p>}
    </>
  );
}

/** After joining an organization that requires 2FA without having it: by when, before the forced setup takes over. */
function JoinedNeedsTwoFactor({ organization, setupRequiredBy }: { organization: Joined; setupRequiredBy: string | null }) {
  const { t, formatDateTime } = useI18n();
  return (
    <>
      <h2>{t.invitations.joinedTitle(organization.name)}</h2>
      <p role="status">
        {setupRequiredBy ? t.invitations.setUpBy(organization.name, formatDateTime(setupRequiredBy)) : t.invitations.setUpNow(organization.name)}
      </p>
      <button type="button" className="primary" onClick={() => navigate(organizationPath(organization))}>
        {t.invitations.toOrganization}
      </button>
    </>
  );
}
