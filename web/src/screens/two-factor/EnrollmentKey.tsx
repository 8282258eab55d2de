import { useClipboard } from '../../components/clipboard';
import { Notice } from '../../components/forms';
import { useI18n } from '../../i18n';
import { groupManualKey } from './manual-key';

export interface EnrollmentLike {
  qrCodeDataUrl: string;
  manualEntryKey: string;
  issuer: string;
  accountName: string;
}

/** The QR code and the manual key of an authenticator secret: enrollment and moving to a new phone show the same. */
export function EnrollmentKey({ enrollment }: { enrollment: EnrollmentLike }) {
  const { t } = useI18n();
  const clipboard = useClipboard();
  return (
    <div className="enrollment">
      <img className="qr" src={enrollment.qrCodeDataUrl} alt={t.setup.qrAlt(enrollment.issuer, enrollment.accountName)} width={200} height={200} />
      <div>
        <h3>{t.setup.manualTitle}</h3>
        <p>{t.setup.manualIntro}</p>
        <dl className="manual-key">
          <dt>{t.setup.accountName}</dt>
          <dd>{enrollment.accountName}</dd>
          <dt>{t.setup.myKey}</dt>
          <dd>
            <code data-testid="manual-key" className="key">
              {groupManualKey(enrollment.manualEntryKey)}
            </code>
            <button type="button" className="copy-key" onClick={() => void clipboard.copy(enrollment.manualEntryKey)}>
              {t.setup.copyKey}
            </button>
          </dd>
          <dt>{t.setup.keyType}</dt>
          <dd>{t.setup.timeBased}</dd>
        </dl>
        {clipboard.result === 'copied' && <Notice>{t.setup.keyCopied}</Notice>}
        {clipboard.result === 'failed' && (
          <p className="error" role="alert">
            {t.setup.keyCopyFailed}
          </p>
        )}
      </div>
    </div>
  );
}
