import { useState } from 'react';
import { request } from '../../api/client';
import { Link } from '../../app/router';
import { trustedDevice, useSession } from '../../app/session';
import { graphql } from '../../gql';
import { useI18n } from '../../i18n';
import { ErrorText, Field, Form, Notice, useAction } from '../../components/forms';
import { PasskeySignIn } from './PasskeySignIn';

const LoginDocument = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      accessToken
      status
      user { id email name twoFactorEnabled }
    }
  }
`);

export function SignIn() {
  const { t } = useI18n();
  const session = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useAction(async () => {
    const { login } = await request(LoginDocument, {
      input: { email, password, trustedDeviceToken: trustedDevice.get(email.trim()) },
    });
    session.accept(login);
  });

  return (
    <section className="card narrow">
      <h1 tabIndex={-1}>{t.signIn.title}</h1>
      {session.notice === 'secondStepEnded' ? (
        <p className="error" role="alert">
          {t.errors.loginEndedAfterWrongCodes}
        </p>
      ) : (
        session.notice && <Notice>{session.notice === 'sessionEnded' ? t.signIn.sessionEnded : t.signIn.signedOut}</Notice>
      )}
      <p>{t.signIn.intro}</p>
      <Form onSubmit={() => void login.run()}>
        <Field label={t.signIn.email} type="email" autoComplete="username webauthn" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field label={t.signIn.password} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <ErrorText error={login.error} />
        <button type="submit" className="primary" disabled={login.busy}>
          {t.signIn.submit}
        </button>
      </Form>
      <PasskeySignIn />
      <p>
        <Link to="/forgot-password">{t.recovery.forgotLink}</Link>
      </p>
      <p>
        {t.signIn.noAccount} <Link to="/sign-up">{t.signIn.toSignUp}</Link>
      </p>
    </section>
  );
}
