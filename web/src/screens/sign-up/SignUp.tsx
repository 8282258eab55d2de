import { useState } from 'react';
import { request } from '../../api/client';
import { Link } from '../../app/router';
import { useSession } from '../../app/session';
import { graphql } from '../../gql';
import { useI18n } from '../../i18n';
import { ErrorText, Field, Form, useAction } from '../../components/forms';

const SignUpDocument = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      accessToken
      status
      user { id email name twoFactorEnabled }
    }
  }
`);

export function SignUp() {
  const { t } = useI18n();
  const session = useSession();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const signUp = useAction(async () => {
    const { signUp } = await request(SignUpDocument, { input: { email, password, name: name.trim() || null } });
    session.accept(signUp);
  });

  return (
    <section className="card narrow">
      <h1 tabIndex={-1}>{t.signUp.title}</h1>
      <Form onSubmit={() => void signUp.run()}>
        <Field label={t.signUp.email} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field label={t.signUp.name} autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        <Field
          label={t.signUp.password}
          hint={t.signUp.passwordHint}
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          maxLength={128}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorText error={signUp.error} />
        <button type="submit" className="primary" disabled={signUp.busy}>
          {t.signUp.submit}
        </button>
      </Form>
      <p>
        {t.signUp.haveAccount} <Link to="/sign-in">{t.signUp.toSignIn}</Link>
      </p>
    </section>
  );
}
