import { useState } from 'react';
import { request } from '../../api/client';
import { currentQuery, Link } from '../../app/router';
import { graphql } from '../../gql';
import { useI18n } from '../../i18n';
import { ErrorText, useAction } from '../../components/forms';

const ReportUnrecognizedSignInDocument = graphql(`
  mutation ReportUnrecognizedSignIn($token: String!) {
    reportUnrecognizedSignIn(token: $token)
  }
`);

/**
 * The page the 'This wasn't me' link of a new-sign-in mail opens (`#/sign-in-report?token=…`),
 * whatever the session phase. The server answers the same for a used, expired or unknown link, so
 * the page says what a live link did and what a dead one does not.
 */
export function SignInReportScreen() {
  const { t } = useI18n();
  const [token] = useState(() => currentQuery().get('token') ?? '');
  const [done, setDone] = useState(false);
  const report = useAction(async () => {
    await request(ReportUnrecognizedSignInDocument, { token });
    setDone(true);
  });

  if (done) {
    return (
      <section className="card narrow">
        <h1 tabIndex={-1}>{t.signInReport.doneTitle}</h1>
        <p role="status">{t.signInReport.doneText}</p>
        <p>{t.signInReport.nextSteps}</p>
        <p>
          <Link to="/forgot-password">{t.signInReport.noMail}</Link>
        </p>
      </section>
    );
  }

  return (
    <section className="card narrow">
      <h1 tabIndex={-1}>{t.signInReport.title}</h1>
      {!token ? (
        <p className="error" role="alert">
          {t.signInReport.noToken}
        </p>
      ) : (
        <>
          <p>{t.signInReport.intro}</p>
          <p>{t.signInReport.ifYou}</p>
          <p>{t.signInReport.ifNotYou}</p>
          <ErrorText error={report.error} />
          <button type="button" className="primary" disabled={report.busy} onClick={() => void report.run()}>
            {t.signInReport.submit}
          </button>
        </>
      )}
    </section>
  );
}
