import { useEffect, useRef, useState } from 'react';
import { ApiError, request } from '../../api/client';
import { browserSupportsPasskeys, OPTIONS_FRESH_MS, signWithPasskey } from '../../api/webauthn';
import { useSession } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorText, useAction } from '../../components/forms';
import { StartPasskeySecondFactorDocument, VerifyLoginSecondFactorWithPasskeyDocument } from './operations';

interface RequestOptions {
  text: string;
  fetchedAt: number;
}

async function fetchOptions(): Promise<RequestOptions> {
  const { startPasskeySecondFactor } = await request(StartPasskeySecondFactorDocument);
  return { text: startPasskeySecondFactor, fetchedAt: Date.now() };
}

/**
 * 'Use a passkey' at the login's second step, offered only when the account has one: the server
 * answers startPasskeySecondFactor with FAILED_PRECONDITION otherwise. The options asked for on
 * arrival serve the first try, so the browser's dialog opens straight from the click.
 */
export function UsePasskey({ rememberDevice }: { rememberDevice: boolean }) {
  const { t } = useI18n();
  const session = useSession();
  const [offered, setOffered] = useState(false);
  const options = useRef<RequestOptions | null>(null);
  // Kept across an effect's rerun (StrictMode runs it twice): a second request would void the
  // first one's challenge, and the two answers may come back in either order.
  const arrivalOptions = useRef<Promise<RequestOptions> | null>(null);

  useEffect(() => {
    if (!browserSupportsPasskeys()) return;
    let current = true;
    arrivalOptions.current ??= fetchOptions();
    arrivalOptions.current
      .then((fetched) => {
        if (!current) return;
        options.current = fetched;
        setOffered(true);
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, []);

  const signIn = useAction(async () => {
    const usable = options.current && Date.now() - options.current.fetchedAt < OPTIONS_FRESH_MS ? options.current : await fetchOptions();
    // A cancelled dialog sends nothing, so the same options serve the next try.
    options.current = usable;
    const passkeyResponse = await signWithPasskey(usable.text);
    // Sent once: the server spends the challenge whatever it decides.
    options.current = null;
    try {
      const { verifyLoginSecondFactor } = await request(VerifyLoginSecondFactorWithPasskeyDocument, { input: { passkeyResponse, rememberDevice } });
      session.accept(verifyLoginSecondFactor);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'INVALID_CODE' && error.extensions.attemptsRemaining === 0) {
        session.forget('secondStepEnded');
      }
      throw error;
    }
  });

  if (!offered) return null;
  return (
    <section className="alternative" aria-labelledby="use-passkey">
      <p id="use-passkey">{t.passkeys.orPasskey}</p>
      <ErrorText error={signIn.error} />
      <button type="button" disabled={signIn.busy} onClick={() => void signIn.run()}>
        {t.passkeys.usePasskey}
      </button>
    </section>
  );
}
