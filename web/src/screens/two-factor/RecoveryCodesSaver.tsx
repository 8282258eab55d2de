import { useState } from 'react';
import { useI18n } from '../../i18n';
import { useClipboard } from '../../components/clipboard';
import { Checkbox, ErrorText, Notice } from '../../components/forms';

/**
 * Shows a new set of recovery codes with the guide's two ways to keep them ('Copy to clipboard',
 * 'Download file'); 'Complete' works only once the 'saved' box is ticked.
 */
export function RecoveryCodesSaver({
  codes,
  email,
  issuer,
  busy,
  error,
  onComplete,
}: {
  codes: string[];
  email: string;
  issuer: string;
  busy: boolean;
  error: unknown;
  onComplete: () => void;
}) {
  const { t } = useI18n();
  const [saved, setSaved] = useState(false);
  const clipboard = useClipboard();
  const fileText = `${t.recoveryCodes.fileHeading(issuer, email)}\n\n${codes.join('\n')}\n`;

  const download = () => {
    const url = URL.createObjectURL(new Blob([fileText], { type: 'text/plain;charset=utf-8' }));
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = t.recoveryCodes.fileName;
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  };

  return (
    <div>
      <p>{t.recoveryCodes.intro}</p>
      <ul className="recovery-codes" aria-label={t.recoveryCodes.listLabel}>
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div className="actions">
        <button type="button" onClick={() => void clipboard.copy(codes.join('\n'))}>
          {t.recoveryCodes.copy}
        </button>
        <button type="button" onClick={download}>
          {t.recoveryCodes.download}
        </button>
      </div>
      {clipboard.result === 'copied' && <Notice>{t.recoveryCodes.copied}</Notice>}
      {clipboard.result === 'failed' && (
        <p className="error" role="alert">
          {t.recoveryCodes.copyFailed}
        </p>
      )}
      <Checkbox label={t.recoveryCodes.savedCheckbox} checked={saved} onChange={(e) => setSaved(e.target.checked)} />
      <ErrorText error={error} />
      <div className="actions end">
        <button type="button" className="primary" disabled={!saved || busy} onClick={onComplete}>
          {t.recoveryCodes.complete}
        </button>
      </div>
    </div>
  );
}
