import {
  type AuthenticationResponseJSON,
  base64URLStringToBuffer,
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  bufferToBase64URLString,
  type PublicKeyCredentialRequestOptionsJSON,
  startAuthentication,
  startRegistration,
} from '@simplewebauthn/browser';

/** Why the browser's passkey ceremony did not give an answer, in the terms the console explains. */
export type CeremonyFailure = 'cancelled' | 'alreadyRegistered' | 'unsupported' | 'failed';

/** The browser (or the person) did not complete a passkey ceremony; nothing was sent to the server. */
export class PasskeyCeremonyError extends Error {
  constructor(readonly failure: CeremonyFailure, cause: unknown) {
    super(`The passkey ceremony did not complete (${failure}).`, { cause });
    this.name = 'PasskeyCeremonyError';
  }
}

export const browserSupportsPasskeys = browserSupportsWebAuthn;

/** The server keeps a challenge 5 minutes; options older than this are fetched again rather than refused. */
export const OPTIONS_FRESH_MS = 4 * 60_000;

/** Whether the browser can list this site's passkeys in an input's autofill (conditional mediation). */
export const browserOffersPasskeyAutofill = browserSupportsWebAuthnAutofill;

/**
 * NotAllowedError is what browsers answer for a closed dialog, a timeout or a refused
 * verification alike (they do not say which, on purpose), so all of them read as 'cancelled'.
 */
function failureOf(error: unknown): CeremonyFailure {
  if (!browserSupportsWebAuthn()) return 'unsupported';
  const name = error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'AbortError') return 'cancelled';
  if (name === 'InvalidStateError') return 'alreadyRegistered';
  if (name === 'NotSupportedError') return 'unsupported';
  return 'failed';
}

async function ceremony<T>(run: () => Promise<T>): Promise<string> {
  try {
    return JSON.stringify(await run());
  } catch (error) {
    throw new PasskeyCeremonyError(failureOf(error), error);
  }
}

/** Creates a credential for the server's creation options; resolves to the RegistrationResponseJSON text. */
export function createPasskey(optionsText: string): Promise<string> {
  return ceremony(() => startRegistration({ optionsJSON: JSON.parse(optionsText) }));
}

/** Signs the server's request options with a passkey; resolves to the AuthenticationResponseJSON text. */
export function signWithPasskey(optionsText: string): Promise<string> {
  return ceremony(() => startAuthentication({ optionsJSON: JSON.parse(optionsText) }));
}

/** A passkey request waiting in the autofill list of the sign-in screen's email field. */
export interface PasskeyAutofill {
  /** The AuthenticationResponseJSON text once a passkey is picked from the list; rejects when cancelled. */
  readonly answer: Promise<string>;
  /** Ends the request at once, so that the browser takes the next ceremony. */
  cancel(): void;
}

/**
 * Offers this site's passkeys in the autofill list of the input whose autocomplete ends in
 * "webauthn" (conditional mediation). The request stays pending until a passkey is picked there, and
 * a page has one pending WebAuthn request at most: the browser refuses the next one ("A request is
 * already pending"), so this one must be cancelled before any other ceremony and when the screen
 * goes. It has its own AbortController rather than going through startAuthentication, which takes
 * no signal and shares one controller among all ceremonies: a cancel landing while it was still
 * starting could abort the ceremony that came next instead.
 */
export function offerPasskeyAutofill(optionsText: string): PasskeyAutofill {
  const controller = new AbortController();
  const options = JSON.parse(optionsText) as PublicKeyCredentialRequestOptionsJSON;
  const answer = ceremony(async () => {
    const credential = await navigator.credentials.get({
      mediation: 'conditional',
      signal: controller.signal,
      // The list offers the site's discoverable credentials: an allow list has no place here.
      publicKey: { ...options, challenge: base64URLStringToBuffer(options.challenge), allowCredentials: [] } as PublicKeyCredentialRequestOptions,
    });
    if (!credential) throw new Error('The browser answered the passkey request with no credential.');
    return authenticationResponseJSON(credential as PublicKeyCredential);
  });
  return { answer, cancel: () => controller.abort() };
}

/** An assertion as the server reads it: the AuthenticationResponseJSON that startAuthentication would give. */
export function authenticationResponseJSON(credential: PublicKeyCredential): AuthenticationResponseJSON {
  const response = credential.response as AuthenticatorAssertionResponse;
  const attachment = credential.authenticatorAttachment;
  return {
    id: credential.id,
    rawId: bufferToBase64URLString(credential.rawId),
    response: {
      authenticatorData: bufferToBase64URLString(response.authenticatorData),
      clientDataJSON: bufferToBase64URLString(response.clientDataJSON),
      signature: bufferToBase64URLString(response.signature),
      userHandle: response.userHandle ? bufferToBase64URLString(response.userHandle) : undefined,
    },
    type: 'public-key',
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: attachment === 'platform' || attachment === 'cross-platform' ? attachment : undefined,
  };
}
