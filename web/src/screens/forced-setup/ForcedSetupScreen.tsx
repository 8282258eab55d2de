import { useEffect, useState } from 'react';
import { request } from '../../api/client';
import { navigate } from '../../app/router';
import { useSession } from '../../app/session';
import { useI18n } from '../../i18n';
import { SetupFlow } from '../two-factor/SetupFlow';
import { TwoFactorStatusDocument } from '../two-factor/operations';
import type { TwoFactorStatusQuery } from '../../gql/graphql';
import { PasskeyHold } from './PasskeyHold';

type Status = TwoFactorStatusQuery['twoFactorStatus'];

/**
 * An organization requires 2FA and the grace period is over: setup is the only way on. Or 2FA is
 * on and a passkeys-only rule holds this session: adding a key and signing in with it is.
 */
export function ForcedSetupScreen() {
  const { t, formatDateTime } = useI18n();
  const session = useSession();
  const [status, setStatus] = useState<Status | null>(null);
  useEffect(() => {
    request(TwoFactorStatusDocument)
      .then(({ twoFactorStatus }) => setStatus(twoFactorStatus))
      .catch(() => undefined);
  }, []);
  if (status?.enabled && status.phishingResistantRequired) return <PasskeyHold hasPasskey={status.passkeyCount > 0} deadline={status.passkeyRequiredBy ?? null} />;
  const deadline = status?.setupRequiredBy ?? null;

  return (
    <section className="card">
      <h1 tabIndex={-1}>{t.setup.forcedTitle}</h1>
      {deadline && <p className="warning">{t.setup.forcedDeadline(formatDateTime(deadline))}</p>}
      <SetupFlow onCancel={() => void session.signOut('signedOut')} onFinished={() => navigate('/account/two-factor')} />
    </section>
  );
}
