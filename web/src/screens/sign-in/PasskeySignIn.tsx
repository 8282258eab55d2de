import { useEffect, useRef, useState } from 'react';
import { request } from '../../api/client';
import { browserOffersPasskeyAutofill, browserSupportsPasskeys, OPTIONS_FRESH_MS, offerPasskeyAutofill, signWithPasskey } from '../../api/webauthn';
import { useSession } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorText, useAction } from '../../components/forms';
import { FinishPasskeySignInDocument, StartPasskeySignInDocument } from '../passkeys/operations';

async function signInOptions(): Promise<string> {
  return (await request(StartPasskeySignInDocument)).startPasskeySignIn;
}

/**
 * 'Sign in with a passkey' beside the password form: the browser offers the passkeys it holds for
 * this site, and one verified with the device's lock is both factors. Where the browser can, the
 * same passkeys also wait in the email field's autofill list (conditional mediation), and picking
 * one there signs in as the button does. A sign-in challenge is single use and names nobody, so
 * the button fetches its own options on the click.
 */
export function PasskeySignIn() {
  const { t } = useI18n();
  const session = useSession();
  const signIn = useAction(async (answer: () => Promise<string>) => {
    const response = await answer();
    const { finishPasskeySignIn } = await request(FinishPasskeySignInDocument, { input: { response } });
    session.accept(finishPasskeySignIn);
    return true;
  });
  // A new round is a new autofill request: after the button's ceremony ended without signing in,
  // and before the server forgets the options' challenge.
  const [autofillRound, setAutofillRound] = useState(0);
  const stopAutofill = useRef<() => void>(() => undefined);
  const finishFromAutofill = useRef(signIn.run);
  finishFromAutofill.current = signIn.run;

  useEffect(() => {
    let live = true;
    let offered: { cancel(): void } | null = null;
    let refresh: number | undefined;
    const stop = () => {
      live = false;
      window.clearTimeout(refresh);
      offered?.cancel();
    };
    stopAutofill.current = stop;
    void (async () => {
      if (!browserSupportsPasskeys() || !(await browserOffersPasskeyAutofill())) return;
      const options = await signInOptions();
      if (!live) return;
      const autofill = offerPasskeyAutofill(options);
      offered = autofill;
      refresh = window.setTimeout(() => setAutofillRound((round) => round + 1), OPTIONS_FRESH_MS);
      const response = await autofill.answer;
      if (!live) return;
      window.clearTimeout(refresh);
      // A refused answer is shown and not offered again by itself: an authenticator that answers
      // without asking anyone (a test's virtual one) would otherwise spend the account's tries.
      await finishFromAutofill.current(() => Promise.resolve(response));
    })().catch(() => {
      // The list closed without an answer (cancelled here, no passkey for this site, options not
      // given): nothing to tell, the password form and the button are still there.
    });
    return stop;
  }, [autofillRound]);

  async function signInWithButton() {
    // The browser takes one WebAuthn request at a time: the autofill's must end first.
    stopAutofill.current();
    const signedIn = await signIn.run(async () => signWithPasskey(await signInOptions()));
    if (!signedIn) setAutofillRound((round) => round + 1);
  }

  if (!browserSupportsPasskeys()) return null;
  return (
    <section className="alternative" aria-labelledby="passkey-sign-in">
      <p id="passkey-sign-in">{t.signIn.orPasskey}</p>
      <ErrorText error={signIn.error} />
      <button type="button" disabled={signIn.busy} onClick={() => void signInWithButton()}>
        {t.signIn.withPasskey}
      </button>
    </section>
  );
}
