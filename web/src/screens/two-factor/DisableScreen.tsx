import { useState } from 'react';
import { request } from '../../api/client';
import { navigate } from '../../app/router';
import { useI18n } from '../../i18n';
import { CodeOrRecoveryCode, type SecondFactorKind } from '../../components/code-or-recovery-code';
import { ErrorText, Field, Form, useAction } from '../../components/forms';
import { AccountLayout } from '../account/AccountLayout';
import { DisableTwoFactorDocument } from './operations';

/**
 * 'Disable 2-Step Verification': password → 'Next' → an authentication code or a recovery code.
 * The password is checked with the code in one call (the API has no separate password check).
 */
export function DisableScreen() {
  const { t } = useI18n();
  const [step, setStep] = useState<'password' | 'factor' | 'done'>('password');
  const [password, setPassword] = useState('');
  const [method, setMethod] = useState<SecondFactorKind>('code');
  const [code, setCode] = useState('');
  const disable = useAction(async () => {
    await request(DisableTwoFactorDocument, { input: { password, [method]: code.trim() } });
    setPassword('');
    setStep('done');
  });
  const back = () => navigate('/account/two-factor');

  return (
    <AccountLayout current="/account/two-factor">
      <h2>{t.disable.title}</h2>
      {step === 'password' && (
        <Form onSubmit={() => setStep('factor')}>
          <p>{t.disable.passwordIntro}</p>
          <Field label={t.disable.password} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          <div className="actions end">
            <button type="button" onClick={back}>
              {t.cancel}
            </button>
            <button type="submit" className="primary">
              {t.next}
            </button>
          </div>
        </Form>
      )}
      {step === 'factor' && (
        <section aria-labelledby="disable-factor">
          <h3 id="disable-factor">{t.disable.factorTitle}</h3>
          <p>{t.disable.factorIntro}</p>
          <Form onSubmit={() => void disable.run()}>
            <CodeOrRecoveryCode name="disable-method" labels={t.disable} kind={method} onKindChange={setMethod} value={code} onChange={setCode} />
            <ErrorText error={disable.error} />
            <div className="actions end">
              <button
                type="button"
                onClick={() => {
                  disable.setError(null);
                  setStep('password');
                }}
              >
                {t.back}
              </button>
              <button type="submit" className="danger" disabled={disable.busy}>
                {t.disable.submit}
              </button>
            </div>
          </Form>
        </section>
      )}
      {step === 'done' && (
        <section aria-labelledby="disable-done">
          <h3 id="disable-done">{t.disable.doneTitle}</h3>
          <p role="status">{t.disable.doneText}</p>
          <button type="button" className="primary" onClick={back}>
            {t.done}
          </button>
        </section>
      )}
    </AccountLayout>
  );
}
