import { useState } from 'react';
import { accessToken, request } from '../../api/client';
import { type AuthPayloadLike, useSession } from '../../app/session';
import type { VerifyTwoFactorSetupEmailMutation } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { ErrorText, Field, Form, Notice, useAction } from '../../components/forms';
import {
  CancelTwoFactorSetupDocument,
  CompleteTwoFactorSetupDocument,
  ConfirmTwoFactorSetupDocument,
  StartTwoFactorSetupDocument,
  VerifyTwoFactorSetupEmailDocument,
} from './operations';
import { EnrollmentKey } from './EnrollmentKey';
import { RecoveryCodesSaver } from './RecoveryCodesSaver';

type Enrollment = VerifyTwoFactorSetupEmailMutation['verifyTwoFactorSetupEmail'];
type Step =
  | { name: 'request' }
  | { name: 'emailCode'; email: string; expiresAt: string }
  | { name: 'app'; enrollment: Enrollment }
  | { name: 'codes'; enrollment: Enrollment; codes: string[] }
  | { name: 'completed'; payload: AuthPayloadLike };

const STEP_NUMBER: Record<Step['name'], number> = { request: 1, emailCode: 2, app: 3, codes: 4, completed: 4 };

/**
 * The guide's enrollment, in its order: email verification, QR code (or manual key), a code from
 * the app, recovery codes, completion. Nothing is saved to the account before 'Complete'.
 */
export function SetupFlow({ onCancel, onFinished }: { onCancel: () => void; onFinished: () => void }) {
  const { t, formatDateTime } = useI18n();
  const session = useSession();
  const email = session.user?.email ?? '';
  const [step, setStep] = useState<Step>({ name: 'request' });
  const [code, setCode] = useState('');
  const [resent, setResent] = useState(false);

  const start = useAction(async (again: boolean) => {
    const { startTwoFactorSetup } = await request(StartTwoFactorSetupDocument);
    setStep({ name: 'emailCode', email: startTwoFactorSetup.email, expiresAt: startTwoFactorSetup.expiresAt });
    setResent(again);
  });
  const verifyEmail = useAction(async () => {
    const { verifyTwoFactorSetupEmail } = await request(VerifyTwoFactorSetupEmailDocument, { code: code.trim() });
    setCode('');
    setStep({ name: 'app', enrollment: verifyTwoFactorSetupEmail });
  });
  const confirm = useAction(async (enrollment: Enrollment) => {
    const { confirmTwoFactorSetup } = await request(ConfirmTwoFactorSetupDocument, { code: code.trim() });
    setCode('');
    setStep({ name: 'codes', enrollment, codes: confirmTwoFactorSetup.codes });
  });
  const complete = useAction(async () => {
    const { completeTwoFactorSetup } = await request(CompleteTwoFactorSetupDocument);
    // The old token stopped working; the session phase moves on when the person leaves this screen.
    accessToken.set(completeTwoFactorSetup.accessToken);
    setStep({ name: 'completed', payload: completeTwoFactorSetup });
  });
  const cancel = async () => {
    try {
      await request(CancelTwoFactorSetupDocument);
    } finally {
      onCancel();
    }
  };

  const cancelButton = (
    <button type="button" onClick={() => void cancel()}>
      {t.cancel}
    </button>
  );

  return (
    <div className="setup">
      {step.name !== 'completed' && (
        <p className="hint">
          {t.setup.stepOf(STEP_NUMBER[step.name], 4)} · {t.setup.leaveWarning}
        </p>
      )}

      {step.name === 'request' && (
        <section aria-labelledby="setup-request">
          <h2 id="setup-request">{t.setup.requestTitle}</h2>
          <p>{t.setup.requestIntro}</p>
          <Form onSubmit={() => void start.run(false)}>
            <Field label={t.setup.loginEmail} type="email" value={email} readOnly />
            <ErrorText error={start.error} />
            <div className="actions end">
              {cancelButton}
              <button type="submit" className="primary" disabled={start.busy}>
                {t.setup.request}
              </button>
            </div>
          </Form>
        </section>
      )}

      {step.name === 'emailCode' && (
        <section aria-labelledby="setup-email">
          <h2 id="setup-email">{t.setup.confirmTitle}</h2>
          <p>{t.setup.sentTo(step.email, formatDateTime(step.expiresAt))}</p>
          {resent && <Notice>{t.setup.resent}</Notice>}
          <Form onSubmit={() => void verifyEmail.run()}>
            <Field
              label={t.setup.emailCode}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
            <ErrorText error={verifyEmail.error ?? start.error} />
            <div className="actions end">
              {cancelButton}
              <button type="button" onClick={() => void start.run(true)} disabled={start.busy}>
                {t.setup.resend}
              </button>
              <button type="submit" className="primary" disabled={verifyEmail.busy}>
                {t.setup.verify}
              </button>
            </div>
          </Form>
        </section>
      )}

      {step.name === 'app' && (
        <section aria-labelledby="setup-app">
          <h2 id="setup-app">{t.setup.scanTitle}</h2>
          <p>{t.setup.scanIntro}</p>
          <EnrollmentKey enrollment={step.enrollment} />
          <p className="hint">{t.setup.noApp}</p>
          <h3>{t.setup.appCodeTitle}</h3>
          <Form onSubmit={() => void confirm.run(step.enrollment)}>
            <Field
              label={t.setup.appCode}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
            <ErrorText error={confirm.error} />
            <div className="actions end">
              {cancelButton}
              <button type="submit" className="primary" disabled={confirm.busy}>
                {t.setup.verify}
              </button>
            </div>
          </Form>
        </section>
      )}

      {step.name === 'codes' && (
        <section aria-labelledby="setup-codes">
          <h2 id="setup-codes">{t.setup.savedTitle}</h2>
          <RecoveryCodesSaver
            codes={step.codes}
            email={email}
            issuer={step.enrollment.issuer}
            busy={complete.busy}
            error={complete.error}
            onComplete={() => void complete.run()}
          />
        </section>
      )}

      {step.name === 'completed' && (
        <section aria-labelledby="setup-done">
          <h2 id="setup-done">{t.setup.completedTitle}</h2>
          <p>{t.setup.completedText}</p>
          <button type="button" className="primary" onClick={() => {
              session.accept(step.payload);
              onFinished();
            }}>
            {t.setup.toAccount}
          </button>
        </section>
      )}
    </div>
  );
}
