/** The steps of SetupFlow, one component each; SetupFlow decides which one shows and what it does. */

import { type ReactNode, useState } from 'react';
import { useI18n } from '../../i18n';
import { ErrorText, Field, Form, Notice } from '../../components/forms';
import { EnrollmentKey, type EnrollmentLike } from './EnrollmentKey';
import { RecoveryCodesSaver } from './RecoveryCodesSaver';

function CancelButton({ onCancel }: { onCancel: () => void }) {
  const { t } = useI18n();
  return (
    <button type="button" onClick={onCancel}>
      {t.cancel}
    </button>
  );
}

/** The six-digit code field and its 'Verify' button: the email step and the app step ask the same way. */
function CodeForm({
  label,
  busy,
  error,
  onSubmit,
  otherActions,
}: {
  label: string;
  busy: boolean;
  error: unknown;
  onSubmit: (code: string) => void;
  otherActions: ReactNode;
}) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  return (
    <Form onSubmit={() => onSubmit(code)}>
      <Field
        label={label}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        required
        value={code}
        onChange={(e) => setCode(e.target.value)}
      />
      <ErrorText error={error} />
      <div className="actions end">
        {otherActions}
        <button type="submit" className="primary" disabled={busy}>
          {t.setup.verify}
        </button>
      </div>
    </Form>
  );
}

export function RequestStep({
  email,
  busy,
  error,
  onRequest,
  onCancel,
}: {
  email: string;
  busy: boolean;
  error: unknown;
  onRequest: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="setup-request">
      <h2 id="setup-request">{t.setup.requestTitle}</h2>
      <p>{t.setup.requestIntro}</p>
      <Form onSubmit={onRequest}>
        <Field label={t.setup.loginEmail} type="email" value={email} readOnly />
        <ErrorText error={error} />
        <div className="actions end">
          <CancelButton onCancel={onCancel} />
          <button type="submit" className="primary" disabled={busy}>
            {t.setup.request}
          </button>
        </div>
      </Form>
    </section>
  );
}

export function EmailCodeStep({
  sentTo,
  expiresAt,
  resent,
  verifying,
  resending,
  error,
  onVerify,
  onResend,
  onCancel,
}: {
  sentTo: string;
  expiresAt: string;
  resent: boolean;
  verifying: boolean;
  resending: boolean;
  error: unknown;
  onVerify: (code: string) => void;
  onResend: () => void;
  onCancel: () => void;
}) {
  const { t, formatDateTime } = useI18n();
  return (
    <section aria-labelledby="setup-email">
      <h2 id="setup-email">{t.setup.confirmTitle}</h2>
      <p>{t.setup.sentTo(sentTo, formatDateTime(expiresAt))}</p>
      {resent && <Notice>{t.setup.resent}</Notice>}
      <CodeForm
        label={t.setup.emailCode}
        busy={verifying}
        error={error}
        onSubmit={onVerify}
        otherActions={
          <>
            <CancelButton onCancel={onCancel} />
            <button type="button" onClick={onResend} disabled={resending}>
              {t.setup.resend}
            </button>
          </>
        }
      />
    </section>
  );
}

export function AppStep({
  enrollment,
  busy,
  error,
  onConfirm,
  onCancel,
}: {
  enrollment: EnrollmentLike;
  busy: boolean;
  error: unknown;
  onConfirm: (code: string) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="setup-app">
      <h2 id="setup-app">{t.setup.scanTitle}</h2>
      <p>{t.setup.scanIntro}</p>
      <EnrollmentKey enrollment={enrollment} />
      <p className="hint">{t.setup.noApp}</p>
      <h3>{t.setup.appCodeTitle}</h3>
      <CodeForm label={t.setup.appCode} busy={busy} error={error} onSubmit={onConfirm} otherActions={<CancelButton onCancel={onCancel} />} />
    </section>
  );
}

export function CodesStep({
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
  return (
    <section aria-labelledby="setup-codes">
      <h2 id="setup-codes">{t.setup.savedTitle}</h2>
      <RecoveryCodesSaver codes={codes} email={email} issuer={issuer} busy={busy} error={error} onComplete={onComplete} />
    </section>
  );
}

export function CompletedStep({ onToAccount }: { onToAccount: () => void }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="setup-done">
      <h2 id="setup-done">{t.setup.completedTitle}</h2>
      <p>{t.setup.completedText}</p>
      <button type="button" className="primary" onClick={onToAccount}>
        {t.setup.toAccount}
      </button>
    </section>
  );
}
