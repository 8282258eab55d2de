import { useState } from 'react';
import { ApiError, request } from '../../api/client';
import { currentQuery, Link, navigate } from '../../app/router';
import { useSession } from '../../app/session';
import { graphql } from '../../gql';
import { useI18n } from '../../i18n';
import { ErrorText, Field, Form, useAction } from '../../components/forms';

const ResetPasswordDocument = graphql(`
  mutation ResetPassword($input: ResetPasswordInput!) {
    resetPassword(input: $input)
  }
`);

/** Link errors after which only a new link helps. */
const DEAD_LINK_CODES = new Set(['INVALID_CODE', 'CODE_EXPIRED']);

/**
 * The page the mailed reset link opens (`#/reset-password?token=…`), whatever the session phase:
 * a new password twice, then a way to sign in with it. No minLength on the field: the server's
 * BAD_USER_INPUT names the rule in the console's language, where the browser's bubble would not.
 */
export function ResetPasswordScreen() {
  const { t } = useI18n();
  const session = useSession();
  const [token] = useState(() => currentQuery().get('token') ?? '');
  const [newPassword, setNewPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const reset = useAction(async () => {
    await request(ResetPasswordDocument, { input: { token, newPassword } });
    setNewPassword('');
    setConfirmation('');
    setDone(true);
    // The reset ended every session of the account, a session open in this browser included.
    if (session.phase !== 'signedOut') session.forget(null);
  });
  const submit = () => {
    setMismatch(newPassword !== confirmation);
    if (newPassword === confirmation) void reset.run();
  };
  const linkIsDead = reset.error instanceof ApiError && DEAD_LINK_CODES.has(reset.error.code);

  if (done) {
    return (
      <section className="card narrow">
        <h1 tabIndex={-1}>{t.recovery.doneTitle}</h1>
        <p role="status">{t.recovery.doneText}</p>
        <button type="button" className="primary" onClick={() => navigate('/sign-in')}>
          {t.recovery.toSignIn}
        </button>
      </section>
    );
  }

  return (
    <section className="card narrow">
      <h1 tabIndex={-1}>{t.recovery.resetTitle}</h1>
      {!token ? (
        <p className="error" role="alert">
          {t.recovery.noToken}
        </p>
      ) : (
        <>
          <p>{t.recovery.resetIntro}</p>
          <Form onSubmit={submit}>
            <Field label={t.recovery.newPassword} hint={t.recovery.hint} type="password" autoComplete="new-password" required maxLength={128} value={newPassword} onChange={(e) => setNewPassword(e.target.value)} />
            <Field label={t.recovery.confirm} type="password" autoComplete="new-password" required value={confirmation} onChange={(e) => setConfirmation(e.target.value)} />
            {mismatch && (
              <p className="error" role="alert">
                {t.recovery.mismatch}
              </p>
            )}
            <ErrorText error={reset.error} />
            <button type="submit" className="primary" disabled={reset.busy || linkIsDead}>
              {t.recovery.submit}
            </button>
          </Form>
        </>
      )}
      {(!token || linkIsDead) && (
        <p>
          <Link to="/forgot-password">{t.recovery.requestNewLink}</Link>
        </p>
      )}
    </section>
  );
}
