import { useEffect, useState } from 'react';
import { request } from '../../api/client';
import { navigate } from '../../app/router';
import { useSession } from '../../app/session';
import type { TwoFactorStatusQuery } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { ErrorText } from '../../components/forms';
import { AccountLayout } from '../account/AccountLayout';
import { DisableTwoFactorDocument, TwoFactorStatusDocument } from './operations';
import { PasswordThenFactor } from './PasswordThenFactor';

type Status = TwoFactorStatusQuery['twoFactorStatus'];

/**
 * 'Disable 2-Step Verification': password → 'Next' → an authentication code or a recovery code.
 * When an organization requires 2FA, a warning comes first and says what turning it off leads to,
 * before anything is asked or changed.
 */
export function DisableScreen() {
  const { t, formatDateTime } = useI18n();
  const session = useSession();
  const [status, setStatus] = useState<Status | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [step, setStep] = useState<'warning' | 'confirm' | 'done'>('confirm');
  useEffect(() => {
    request(TwoFactorStatusDocument)
      .then(({ twoFactorStatus }) => {
        setStatus(twoFactorStatus);
        if (twoFactorStatus.requiredByOrganization) setStep('warning');
      })
      .catch(setLoadError);
  }, []);
  const back = () => navigate('/account/two-factor');
  const organizations = (s: Status) => s.requiringOrganizations.map((organization) => organization.name).join(', ');

  return (
    <AccountLayout current="/account/two-factor">
      <h2>{t.disable.title}</h2>
      <ErrorText error={loadError} />
      {!status && !loadError && <p>{t.loading}</p>}
      {status && step === 'warning' && (
        <section aria-labelledby="disable-required">
          <h3 id="disable-required">{t.disable.requiredTitle}</h3>
          <p className="warning">
            {status.setupRequiredByIfDisabled
              ? t.disable.requiredUntil(organizations(status), formatDateTime(status.setupRequiredByIfDisabled))
              : t.disable.requiredAtOnce(organizations(status))}
          </p>
          <p>{t.disable.removes}</p>
          <div className="actions end">
            <button type="button" className="primary" onClick={back}>
              {t.disable.keepOn}
            </button>
            <button type="button" className="danger" onClick={() => setStep('confirm')}>
              {t.disable.continueAnyway}
            </button>
          </div>
        </section>
      )}
      {status && step === 'confirm' && (
        <PasswordThenFactor
          passwordIntro={t.disable.passwordIntro}
          factorIntro={t.disable.factorIntro}
          submitLabel={t.disable.submit}
          danger
          onCancel={back}
          onConfirm={async (input) => {
            await request(DisableTwoFactorDocument, { input });
            if (session.user) session.setUser({ ...session.user, twoFactorEnabled: false });
            setStep('done');
          }}
        >
          {!status.requiredByOrganization && <p>{t.disable.removes}</p>}
        </PasswordThenFactor>
      )}
      {status && step === 'done' && (
        <section aria-labelledby="disable-done">
          <h3 id="disable-done">{t.disable.doneTitle}</h3>
          {/* What the warning said, now true: the deadline is the one read before turning it off. */}
          <p role="status" className={status.requiredByOrganization ? 'warning' : undefined}>
            {!status.requiredByOrganization
              ? t.disable.doneText
              : status.setupRequiredByIfDisabled
                ? t.twoFactor.requiredBy(formatDateTime(status.setupRequiredByIfDisabled))
                : t.twoFactor.requiredNow}
          </p>
          <button type="button" className="primary" onClick={back}>
            {t.done}
          </button>
        </section>
      )}
    </AccountLayout>
  );
}
