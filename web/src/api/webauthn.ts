import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';

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
