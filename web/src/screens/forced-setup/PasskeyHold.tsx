import { useEffect, useState } from 'react';
import { request } from '../../api/client';
import { useSession } from '../../app/session';
import { useI18n } from '../../i18n';
import { Notice } from '../../components/forms';
import { MyOrganizationsDocument } from '../organizations/operations';
import { AddPasskeyForm } from '../passkeys/PasskeysSection';
import { organizationsDemandingPasskeys } from './passkey-rule';

/**
 * A session held by a phishing-resistant rule: it was made with a code (or a recovery code), so it
 * may only add a passkey; the way on is signing in again with one. `deadline`: the end of the grace
 * period, for a user held because it passed without a passkey (none when a recovery code signed in).
 */
export function PasskeyHold({ hasPasskey, deadline }: { hasPasskey: boolean; deadline: string | null }) {
  const { t, formatDateTime } = useI18n();
  const session = useSession();
  const [organizations, setOrganizations] = useState<string[]>([]);
  const [added, setAdded] = useState<string | null>(null);
  useEffect(() => {
    request(MyOrganizationsDocument)
      .then(({ myOrganizations }) => setOrganizations(organizationsDemandingPasskeys(myOrganizations)))
      .catch(() => undefined);
  }, []);

  return (
    <section className="card">
      <h1 tabIndex={-1}>{t.setup.passkeyHoldTitle}</h1>
      {organizations.length > 0 && <p>{t.setup.passkeyHoldIntro(organizations.join(', '))}</p>}
      {deadline && <p className="warning">{t.setup.passkeyHoldDeadline(formatDateTime(deadline))}</p>}
      {added ? <Notice>{t.setup.passkeyHoldAdded(added)}</Notice> : <p>{hasPasskey ? t.setup.passkeyHoldHasKey : t.setup.passkeyHoldNoKey}</p>}
      {!added && <AddPasskeyForm onCancel={() => void session.signOut('signedOut')} onAdded={setAdded} />}
      <button type="button" className={added || hasPasskey ? 'primary' : undefined} onClick={() => void session.signOut('signedOut')}>
        {t.setup.passkeyHoldSignOut}
      </button>
    </section>
  );
}
