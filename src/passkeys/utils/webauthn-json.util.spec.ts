import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import { MAX_WEBAUTHN_RESPONSE_LENGTH, parseWebAuthnResponse } from './webauthn-json.util';

const clientData = (value: unknown) => isoBase64URL.fromUTF8String(JSON.stringify(value));
const responseText = (clientDataJSON: string) => JSON.stringify({ id: 'AAEC', rawId: 'AAEC', type: 'public-key', response: { clientDataJSON } });

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as { extensions?: { code?: string } }).extensions?.code;
  }
  return undefined;
}

describe('parseWebAuthnResponse', () => {
  it('finds the challenge a browser signed', () => {
    const { challenge } = parseWebAuthnResponse(responseText(clientData({ type: 'webauthn.get', challenge: 'abc_-1' })), 'r');
    expect(challenge).toBe('abc_-1');
  });

  it.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    ['no clientDataJSON', JSON.stringify({ id: 'AA', rawId: 'AA', type: 'public-key', response: {} })],
    ['clientDataJSON that is not JSON', responseText(isoBase64URL.fromUTF8String('nope'))],
    ['no challenge', responseText(clientData({ type: 'webauthn.get' }))],
    ['an oversized text', 'x'.repeat(MAX_WEBAUTHN_RESPONSE_LENGTH + 1)],
  ])('refuses %s as BAD_USER_INPUT', (_, text) => {
    expect(codeOf(() => parseWebAuthnResponse(text, 'r'))).toBe('BAD_USER_INPUT');
  });
});
