import { useI18n } from '../../i18n';

export interface EnrollmentLike {
  qrCodeDataUrl: string;
  manualEntryKey: string;
  issuer: string;
  accountName: string;
}

/** The QR code and the manual key of an authenticator secret: enrollment and moving to a new phone show the same. */
export function EnrollmentKey({ enrollment }: { enrollment: EnrollmentLike }) {
  const { t } = useI18n();
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
            <code data-testid="manual-key">{enrollment.manualEntryKey}</code>
          </dd>
          <dt>{t.setup.keyType}</dt>
          <dd>{t.setup.timeBased}</dd>
        </dl>
      </div>
    </div>
  );
}
