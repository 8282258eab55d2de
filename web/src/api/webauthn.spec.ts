import { describe, expect, it } from 'vitest';
import { authenticationResponseJSON } from './webauthn';

const bytes = (...values: number[]) => new Uint8Array(values).buffer;

describe('authenticationResponseJSON', () => {
  const credential = (userHandle: ArrayBuffer | null, authenticatorAttachment: string | null) =>
    ({
      id: 'AQID_w',
      rawId: bytes(1, 2, 3, 255),
      type: 'public-key',
      authenticatorAttachment,
      response: { authenticatorData: bytes(4, 5), clientDataJSON: new TextEncoder().encode('{"type":"webauthn.get"}').buffer, signature: bytes(250, 251), userHandle },
      getClientExtensionResults: () => ({}),
    }) as unknown as PublicKeyCredential;

  it('writes an autofill answer as the server reads it: base64url fields, the user handle naming the account', () => {
    expect(authenticationResponseJSON(credential(new TextEncoder().encode('user-1').buffer, 'platform'))).toEqual({
      id: 'AQID_w',
      rawId: 'AQID_w',
      response: { authenticatorData: 'BAU', clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0', signature: '-vs', userHandle: 'dXNlci0x' },
      type: 'public-key',
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    });
  });

  it('leaves out a user handle and an attachment the browser did not give', () => {
    const written = authenticationResponseJSON(credential(null, null));
    expect(written.response.userHandle).toBeUndefined();
    expect(written.authenticatorAttachment).toBeUndefined();
  });
});
