import { useState } from 'react';
import { request } from '../../api/client';
import { navigate } from '../../app/router';
import { useSession } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorText, Field, Form, useAction } from '../../components/forms';
import { AccountLayout } from '../account/AccountLayout';
import { ConfirmRecoveryCodesReissueDocument, ReissueRecoveryCodesDocument } from './operations';
import { RecoveryCodesSaver } from './RecoveryCodesSaver';

/** 'Reissue Recovery Code': password → 'Next' → save the new set → 'Complete'. */
export function ReissueScreen() {
  const { t } = useI18n();
  const session = useSession();
  const [password, setPassword] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [done, setDone] = useState(false);
  const reissue = useAction(async () => {
    const { reissueRecoveryCodes } = await request(ReissueRecoveryCodesDocument, { password });
    setPassword('');
    setCodes(reissueRecoveryCodes.codes);
  });
  const confirm = useAction(async () => {
    await request(ConfirmRecoveryCodesReissueDocument);
    setDone(true);
  });
  const back = () => navigate('/account/two-factor');

  return (
    <AccountLayout current="/account/two-factor">
      <h2>{t.reissue.title}</h2>
      {!codes && (
        <>
          <p className="warning">{t.reissue.warning}</p>
          <p>{t.reissue.passwordIntro}</p>
          <Form onSubmit={() => void reissue.run()}>
            <Field label={t.reissue.password} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
            <ErrorText error={reissue.error} />
            <div className="actions end">
              <button type="button" onClick={back}>
                {t.cancel}
              </button>
              <button type="submit" className="primary" disabled={reissue.busy}>
                {t.next}
              </button>
            </div>
          </Form>
        </>
      )}
      {codes && !done && (
        <section aria-labelledby="reissue-codes">
          <h3 id="reissue-codes">{t.reissue.savedTitle}</h3>
          <RecoveryCodesSaver
            codes={codes}
            email={session.user?.email ?? ''}
            issuer={t.productName}
            busy={confirm.busy}
            error={confirm.error}
            onComplete={() => void confirm.run()}
          />
        </section>
      )}
      {done && (
        <section aria-labelledby="reissue-done">
          <h3 id="reissue-done">{t.reissue.doneTitle}</h3>
          <p role="status">{t.reissue.doneText}</p>
          <button type="button" className="primary" onClick={back}>
            {t.done}
          </button>
        </section>
      )}
    </AccountLayout>
  );
}
