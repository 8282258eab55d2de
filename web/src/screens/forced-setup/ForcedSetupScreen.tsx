import { useEffect, useState } from 'react';
import { request } from '../../api/client';
import { navigate } from '../../app/router';
import { useSession } from '../../app/session';
import { useI18n } from '../../i18n';
import { SetupFlow } from '../two-factor/SetupFlow';
import { TwoFactorStatusDocument } from '../two-factor/operations';

/** An organization requires 2FA and the grace period is over: setup is the only way on. */
export function ForcedSetupScreen() {
  const { t, formatDateTime } = useI18n();
  const session = useSession();
  const [deadline, setDeadline] = useState<string | null>(null);
  useEffect(() => {
    request(TwoFactorStatusDocument)
      .then(({ twoFactorStatus }) => setDeadline(twoFactorStatus.setupRequiredBy ?? null))
      .catch(() => undefined);
  }, []);

  return (
    <section className="card">
      <h1 tabIndex={-1}>{t.setup.forcedTitle}</h1>
      {deadline && <p className="warning">{t.setup.forcedDeadline(formatDateTime(deadline))}</p>}
      <SetupFlow onCancel={() => void session.signOut('signedOut')} onFinished={() => navigate('/account/two-factor')} />
    </section>
  );
}
