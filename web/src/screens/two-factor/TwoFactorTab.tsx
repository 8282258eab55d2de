import { useEffect, useState } from 'react';
import { request } from '../../api/client';
import { navigate } from '../../app/router';
import type { TwoFactorStatusQuery as Status } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { ErrorText } from '../../components/forms';
import { AccountLayout } from '../account/AccountLayout';
import { PasskeysSection } from '../passkeys/PasskeysSection';
import { TwoFactorStatusDocument } from './operations';

/** The server's threshold (RECOVERY_CODES_LOW is mailed once per set at or below it). */
const LOW_RECOVERY_CODES = 3;

/** 'Account Management > 2-Step Verification': whether it is on, and the buttons of the guide. */
export function TwoFactorTab() {
  const { t, formatDateTime } = useI18n();
  const [status, setStatus] = useState<Status['twoFactorStatus'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    request(TwoFactorStatusDocument)
      .then(({ twoFactorStatus }) => setStatus(twoFactorStatus))
      .catch(setError);
  }, []);

  return (
    <AccountLayout current="/account/two-factor">
      <h2>{t.twoFactor.status}</h2>
      <ErrorText error={error} />
      {!status && !error && <p>{t.loading}</p>}
      {status && (
        <>
          {status.requiredByOrganization && !status.enabled && (
            <p className="warning" role="status">
              {status.setupRequiredBy ? t.twoFactor.requiredBy(formatDateTime(status.setupRequiredBy)) : t.twoFactor.requiredNow}
            </p>
          )}
          {status.enabled && status.passkeyRequiredBy && (
            <p className="warning" role="status">
              {t.twoFactor.passkeyRequiredBy(formatDateTime(status.passkeyRequiredBy))}
            </p>
          )}
          <p className={status.enabled ? 'state on' : 'state off'}>{status.enabled ? t.twoFactor.enabled : t.twoFactor.disabled}</p>
          {status.enabled ? (
            <>
              {status.enabledAt && <p>{t.twoFactor.enabledSince(formatDateTime(status.enabledAt))}</p>}
              <p>{t.twoFactor.recoveryCodesLeft(status.recoveryCodesRemaining)}</p>
              {status.recoveryCodesRemaining <= LOW_RECOVERY_CODES && (
                <div className="warning" role="status">
                  <p>{t.twoFactor.recoveryCodesLow}</p>
                  <button type="button" className="primary" onClick={() => navigate('/account/two-factor/reissue')}>
                    {t.twoFactor.recoveryCodesLowAction}
                  </button>
                </div>
              )}
              <div className="actions">
                <button type="button" onClick={() => navigate('/account/two-factor/reissue')}>
                  {t.twoFactor.reissue}
                </button>
                <button type="button" onClick={() => navigate('/account/two-factor/move')}>
                  {t.twoFactor.move}
                </button>
                <button type="button" className="danger" onClick={() => navigate('/account/two-factor/disable')}>
                  {t.twoFactor.disable}
                </button>
              </div>
              <PasskeysSection />
            </>
          ) : (
            <>
              {/* 'Optional' would contradict the organization's requirement shown above. */}
              {!status.requiredByOrganization && <p>{t.twoFactor.recommended}</p>}
              <button type="button" className="primary" onClick={() => navigate('/account/two-factor/setup')}>
                {t.twoFactor.activate}
              </button>
            </>
          )}
        </>
      )}
    </AccountLayout>
  );
}
