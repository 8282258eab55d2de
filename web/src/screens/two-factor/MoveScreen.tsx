import { useState } from 'react';
import { request } from '../../api/client';
import { navigate } from '../../app/router';
import { ErrorText, Field, Form, useAction } from '../../components/forms';
import { useI18n } from '../../i18n';
import { AccountLayout } from '../account/AccountLayout';
import { EnrollmentKey, type EnrollmentLike } from './EnrollmentKey';
import { ConfirmAuthenticatorReplacementDocument, StartAuthenticatorReplacementDocument } from './operations';
import { PasswordThenFactor } from './PasswordThenFactor';

/**
 * 'Move to a new phone': password → a code of the current app (or a recovery code) → the new
 * phone's QR code and a code from it. The current app keeps working until the last step.
 */
export function MoveScreen() {
  const { t } = useI18n();
  const [step, setStep] = useState<'confirm' | 'app' | 'done'>('confirm');
  const [newCode, setNewCode] = useState('');
  const [enrollment, setEnrollment] = useState<EnrollmentLike | null>(null);
  const confirm = useAction(async () => {
    await request(ConfirmAuthenticatorReplacementDocument, { code: newCode.trim() });
    setStep('done');
  });
  const back = () => navigate('/account/two-factor');

  return (
    <AccountLayout current="/account/two-factor">
      <h2>{t.move.title}</h2>
      {step === 'confirm' && (
        <PasswordThenFactor
          passwordIntro={t.move.intro}
          factorIntro={t.move.factorIntro}
          submitLabel={t.next}
          onCancel={back}
          onConfirm={async (input) => {
            const { startAuthenticatorReplacement } = await request(StartAuthenticatorReplacementDocument, { input });
            setEnrollment(startAuthenticatorReplacement);
            setStep('app');
          }}
        />
      )}
      {step === 'app' && enrollment && (
        <section aria-labelledby="move-app">
          <h3 id="move-app">{t.setup.scanTitle}</h3>
          <p>{t.move.scanIntro}</p>
          <EnrollmentKey enrollment={enrollment} />
          <h3>{t.setup.appCodeTitle}</h3>
          <Form onSubmit={() => void confirm.run()}>
            <Field label={t.move.newCode} inputMode="numeric" autoComplete="one-time-code" maxLength={6} required value={newCode} onChange={(e) => setNewCode(e.target.value)} />
            <ErrorText error={confirm.error} />
            <div className="actions end">
              <button type="button" onClick={back}>
                {t.cancel}
              </button>
              <button type="submit" className="primary" disabled={confirm.busy}>
                {t.setup.verify}
              </button>
            </div>
          </Form>
        </section>
      )}
      {step === 'done' && (
        <section aria-labelledby="move-done">
          <h3 id="move-done">{t.move.doneTitle}</h3>
          <p role="status">{t.move.doneText}</p>
          <button type="button" className="primary" onClick={back}>
            {t.done}
          </button>
        </section>
      )}
    </AccountLayout>
  );
}
