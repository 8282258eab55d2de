import { useState } from 'react';
import { ApiError, request } from '../../api/client';
import { useSession } from '../../app/session';
import { graphql } from '../../gql';
import { useI18n } from '../../i18n';
import { Checkbox, ErrorText, Field, Form, useAction } from '../../components/forms';
import { UsePasskey } from '../passkeys/UsePasskey';

const VerifyLoginSecondFactorDocument = graphql(`
  mutation VerifyLoginSecondFactor($input: VerifyLoginSecondFactorInput!) {
    verifyLoginSecondFactor(input: $input) {
      accessToken
      status
      trustedDeviceToken
      user { id email name twoFactorEnabled }
    }
  }
`);

/** The login's second step: a code from the app, a recovery code or a passkey, and 'remember this device'. */
export function SecondStep() {
  const { t } = useI18n();
  const session = useSession();
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [rememberDevice, setRememberDevice] = useState(false);
  const verify = useAction(async () => {
    try {
      const input = useRecovery ? { recoveryCode: code.trim(), rememberDevice } : { code: code.trim(), rememberDevice };
      const { verifyLoginSecondFactor } = await request(VerifyLoginSecondFactorDocument, { input });
      session.accept(verifyLoginSecondFactor);
    } catch (error) {
      setCode('');
      // After the fifth wrong code the server has ended this sign-in: the password comes first again.
      if (error instanceof ApiError && error.code === 'INVALID_CODE' && error.extensions.attemptsRemaining === 0) {
        session.forget('secondStepEnded');
      }
      throw error;
    }
  });

  return (
    <section className="card narrow">
      <h1 tabIndex={-1}>{t.secondStep.title}</h1>
      <p>{useRecovery ? t.secondStep.recoveryIntro : t.secondStep.intro}</p>
      <Form onSubmit={() => void verify.run()}>
        {useRecovery ? (
          <Field key="recovery" label={t.secondStep.recoveryCode} autoComplete="off" required value={code} onChange={(e) => setCode(e.target.value)} />
        ) : (
          <Field
            key="code"
            label={t.secondStep.code}
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        )}
        <Checkbox label={t.secondStep.rememberDevice} checked={rememberDevice} onChange={(e) => setRememberDevice(e.target.checked)} />
        <ErrorText error={verify.error} />
        <button type="submit" className="primary" disabled={verify.busy}>
          {t.secondStep.submit}
        </button>
      </Form>
      <UsePasskey rememberDevice={rememberDevice} />
      <div className="actions links">
        <button
          type="button"
          className="link"
          onClick={() => {
            setUseRecovery(!useRecovery);
            setCode('');
            verify.setError(null);
          }}
        >
          {useRecovery ? t.secondStep.useAppCode : t.secondStep.useRecoveryCode}
        </button>
        <button type="button" className="link" onClick={() => void session.signOut(null)}>
          {t.secondStep.otherAccount}
        </button>
      </div>
    </section>
  );
}
