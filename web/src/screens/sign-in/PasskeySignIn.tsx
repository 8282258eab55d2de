import { request } from '../../api/client';
import { browserSupportsPasskeys, signWithPasskey } from '../../api/webauthn';
import { useSession } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorText, useAction } from '../../components/forms';
import { FinishPasskeySignInDocument, StartPasskeySignInDocument } from '../passkeys/operations';

/**
 * 'Sign in with a passkey' beside the password form: the browser offers the passkeys it holds for
 * this site, and one verified with the device's lock is both factors. Options are fetched on the
 * click (a sign-in challenge is single use and names nobody).
 */
export function PasskeySignIn() {
  const { t } = useI18n();
  const session = useSession();
  const signIn = useAction(async () => {
    const { startPasskeySignIn } = await request(StartPasskeySignInDocument);
    const response = await signWithPasskey(startPasskeySignIn);
    const { finishPasskeySignIn } = await request(FinishPasskeySignInDocument, { input: { response } });
    session.accept(finishPasskeySignIn);
  });

  if (!browserSupportsPasskeys()) return null;
  return (
    <section className="alternative" aria-labelledby="passkey-sign-in">
      <p id="passkey-sign-in">{t.signIn.orPasskey}</p>
      <ErrorText error={signIn.error} />
      <button type="button" disabled={signIn.busy} onClick={() => void signIn.run()}>
        {t.signIn.withPasskey}
      </button>
    </section>
  );
}
