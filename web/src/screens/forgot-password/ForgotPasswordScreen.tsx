import { useState } from 'react';
import { request } from '../../api/client';
import { Link } from '../../app/router';
import { graphql } from '../../gql';
import { useI18n } from '../../i18n';
import { ErrorText, Field, Form, Notice, useAction } from '../../components/forms';

const RequestPasswordResetDocument = graphql(`
  mutation RequestPasswordReset($email: String!) {
    requestPasswordReset(email: $email)
  }
`);

/**
 * 'Forgot your password?': the server answers the same for every address, so the screen does too,
 * and never tells whether an account exists.
 */
export function ForgotPasswordScreen() {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const send = useAction(async () => {
    setSent(false);
    await request(RequestPasswordResetDocument, { email: email.trim() });
    setSent(true);
  });

  return (
    <section className="card narrow">
      <h1 tabIndex={-1}>{t.recovery.forgotTitle}</h1>
      <p>{t.recovery.forgotIntro}</p>
      <Form onSubmit={() => void send.run()}>
        <Field label={t.recovery.email} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <ErrorText error={send.error} />
        {sent && <Notice>{t.recovery.sent}</Notice>}
        <button type="submit" className="primary" disabled={send.busy}>
          {t.recovery.send}
        </button>
      </Form>
      <p>
        <Link to="/sign-in">{t.recovery.backToSignIn}</Link>
      </p>
    </section>
  );
}
