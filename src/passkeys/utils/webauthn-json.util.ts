import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { AppError } from '../../common/app-error';

/** A WebAuthn response larger than this is not one a browser sends (a few KB at most). */
export const MAX_WEBAUTHN_RESPONSE_LENGTH = 16_384;

/** The fields every WebAuthn credential response carries; the library checks the rest. */
export interface WebAuthnResponseJson {
  id: string;
  rawId: string;
  type: string;
  response: { clientDataJSON: string; [field: string]: unknown };
  clientExtensionResults?: Record<string, unknown>;
  [field: string]: unknown;
}

/**
 * Parses the JSON text of a RegistrationResponseJSON or AuthenticationResponseJSON far enough to
 * find its challenge; anything that is not one is BAD_USER_INPUT (the caller's mistake, not a guess).
 */
export function parseWebAuthnResponse(text: string, field: string): { response: WebAuthnResponseJson; challenge: string } {
  const bad = (message: string) => AppError.badInput([{ field, message }]);
  if (text.length > MAX_WEBAUTHN_RESPONSE_LENGTH) throw bad(`must be at most ${MAX_WEBAUTHN_RESPONSE_LENGTH} characters`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('must be the JSON text of a WebAuthn credential response');
  }
  const response = parsed as WebAuthnResponseJson;
  if (
    typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) ||
    typeof response.id !== 'string' || typeof response.rawId !== 'string' || typeof response.type !== 'string' ||
    typeof response.response !== 'object' || response.response === null || typeof response.response.clientDataJSON !== 'string' ||
    !isoBase64URL.isBase64URL(response.id) || !isoBase64URL.isBase64URL(response.response.clientDataJSON)
  ) {
    throw bad('must be a WebAuthn credential response with id, rawId, type and response.clientDataJSON');
  }
  let challenge: unknown;
  try {
    challenge = (JSON.parse(isoBase64URL.toUTF8String(response.response.clientDataJSON)) as { challenge?: unknown }).challenge;
  } catch {
    throw bad('response.clientDataJSON must be base64url of JSON');
  }
  if (typeof challenge !== 'string' || challenge.length === 0 || challenge.length > 128) {
    throw bad('response.clientDataJSON has no challenge');
  }
  return { response, challenge };
}
