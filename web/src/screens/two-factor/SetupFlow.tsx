import { useState } from 'react';
import { accessToken, request } from '../../api/client';
import { type AuthPayloadLike, useSession } from '../../app/session';
import type { VerifyTwoFactorSetupEmailMutation } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { useAction } from '../../components/forms';
import {
  CancelTwoFactorSetupDocument,
  CompleteTwoFactorSetupDocument,
  ConfirmTwoFactorSetupDocument,
  StartTwoFactorSetupDocument,
  VerifyTwoFactorSetupEmailDocument,
} from './operations';
import { AppStep, CodesStep, CompletedStep, EmailCodeStep, RequestStep } from './SetupSteps';

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
  const { t } = useI18n();
  const session = useSession();
  const email = session.user?.email ?? '';
  const [step, setStep] = useState<Step>({ name: 'request' });
  const [resent, setResent] = useState(false);

  const start = useAction(async (again: boolean) => {
    const { startTwoFactorSetup } = await request(StartTwoFactorSetupDocument);
    setStep({ name: 'emailCode', email: startTwoFactorSetup.email, expiresAt: startTwoFactorSetup.expiresAt });
    setResent(again);
  });
  const verifyEmail = useAction(async (code: string) => {
    const { verifyTwoFactorSetupEmail } = await request(VerifyTwoFactorSetupEmailDocument, { code: code.trim() });
    setStep({ name: 'app', enrollment: verifyTwoFactorSetupEmail });
  });
  const confirm = useAction(async (enrollment: Enrollment, code: string) => {
    const { confirmTwoFactorSetup } = await request(ConfirmTwoFactorSetupDocument, { code: code.trim() });
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

  return (
    <div className="setup">
      {step.name !== 'completed' && (
        <p className="hint">
          {t.setup.stepOf(STEP_NUMBER[step.name], 4)} · {t.setup.leaveWarning}
        </p>
      )}

      {step.name === 'request' && (
        <RequestStep email={email} busy={start.busy} error={start.error} onRequest={() => void start.run(false)} onCancel={() => void cancel()} />
      )}
      {step.name === 'emailCode' && (
        <EmailCodeStep
          sentTo={step.email}
          expiresAt={step.expiresAt}
          resent={resent}
          verifying={verifyEmail.busy}
          resending={start.busy}
          error={verifyEmail.error ?? start.error}
          onVerify={(code) => void verifyEmail.run(code)}
          onResend={() => void start.run(true)}
          onCancel={() => void cancel()}
        />
      )}
      {step.name === 'app' && (
        <AppStep
          enrollment={step.enrollment}
          busy={confirm.busy}
          error={confirm.error}
          onConfirm={(code) => void confirm.run(step.enrollment, code)}
          onCancel={() => void cancel()}
        />
      )}
      {step.name === 'codes' && (
        <CodesStep
          codes={step.codes}
          email={email}
          issuer={step.enrollment.issuer}
          busy={complete.busy}
          error={complete.error}
          onComplete={() => void complete.run()}
        />
      )}
      {step.name === 'completed' && (
        <CompletedStep
          onToAccount={() => {
            session.accept(step.payload);
            onFinished();
          }}
        />
      )}
    </div>
  );
}
