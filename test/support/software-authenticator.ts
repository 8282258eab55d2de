import { createHash, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';

/** The helpers take plain Uint8Arrays (Buffer's type allows a SharedArrayBuffer underneath). */
const bytes = (buffer: Buffer) => new Uint8Array(buffer);

/**
 * A passkey in Node for the tests: an ES256 key pair from node:crypto, `none` attestation, and
 * authenticatorData = sha256(rpId) ‖ flags ‖ counter ‖ (attested credential data). It answers the
 * JSON options the API hands out with the JSON a browser's WebAuthn call would return.
 */
export class SoftwareAuthenticator {
  readonly credentialId = randomBytes(16);
  private readonly privateKey: KeyObject;
  private readonly publicJwk: { x: string; y: string };
  /** The next signature carries counter + 1; set it to 0 for a synced passkey that always says 0. */
  counter = 0;
  alwaysZeroCounter = false;
  /** The user handle registration was given (options.user.id), returned in every assertion, as a resident key does. */
  private userHandle: string | null = null;

  constructor(private readonly origin: string) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    this.publicJwk = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  }

  /** navigator.credentials.create() for PublicKeyCredentialCreationOptionsJSON text. */
  register(optionsText: string, overrides: { origin?: string; rpId?: string; residentKey?: boolean } = {}): string {
    const options = JSON.parse(optionsText) as { challenge: string; rp: { id: string }; user?: { id: string } };
    const residentKey = overrides.residentKey ?? true;
    this.userHandle = residentKey ? (options.user?.id ?? null) : null;
    const clientDataJSON = this.clientData('webauthn.create', options.challenge, overrides.origin);
    const cosePublicKey = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, isoBase64URL.toBuffer(this.publicJwk.x)],
        [-3, isoBase64URL.toBuffer(this.publicJwk.y)],
      ]),
    );
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLength, this.credentialId, Buffer.from(cosePublicKey)]);
    // UP | UV | AT
    const authData = this.authenticatorData(overrides.rpId ?? options.rp.id, 0x01 | 0x04 | 0x40, attested);
    const attestationObject = isoCBOR.encode(new Map<string, string | Map<string, string> | Uint8Array>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', bytes(authData)],
      ]));
    const id = isoBase64URL.fromBuffer(bytes(this.credentialId));
    return JSON.stringify({
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: isoBase64URL.fromBuffer(bytes(clientDataJSON)),
        attestationObject: isoBase64URL.fromBuffer(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: { credProps: { rk: residentKey } },
      authenticatorAttachment: 'platform',
    });
  }

  /** navigator.credentials.get() for PublicKeyCredentialRequestOptionsJSON text. */
  authenticate(
    optionsText: string,
    overrides: { origin?: string; rpId?: string; counter?: number; userVerified?: boolean; userHandle?: string | null } = {},
  ): string {
    const options = JSON.parse(optionsText) as { challenge: string; rpId: string };
    if (!this.alwaysZeroCounter) this.counter += 1;
    const counter = overrides.counter ?? (this.alwaysZeroCounter ? 0 : this.counter);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, overrides.origin);
    // UP, and UV unless the test plays an authenticator that skipped user verification.
    const flags = overrides.userVerified === false ? 0x01 : 0x01 | 0x04;
    const authData = this.authenticatorData(overrides.rpId ?? options.rpId, flags, Buffer.alloc(0), counter);
    const userHandle = overrides.userHandle === undefined ? this.userHandle : overrides.userHandle;
    const signature = createSign('SHA256')
      .update(Buffer.concat([authData, createHash('sha256').update(clientDataJSON).digest()]))
      .sign(this.privateKey);
    const id = isoBase64URL.fromBuffer(bytes(this.credentialId));
    return JSON.stringify({
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: isoBase64URL.fromBuffer(bytes(clientDataJSON)),
        authenticatorData: isoBase64URL.fromBuffer(bytes(authData)),
        signature: isoBase64URL.fromBuffer(bytes(signature)),
        ...(userHandle ? { userHandle } : {}),
      },
      clientExtensionResults: {},
    });
  }

  private clientData(type: string, challenge: string, origin = this.origin): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  private authenticatorData(rpId: string, flags: number, attested: Buffer, counter = 0): Buffer {
    const counterBytes = Buffer.alloc(4);
    counterBytes.writeUInt32BE(counter);
    return Buffer.concat([createHash('sha256').update(rpId).digest(), Buffer.from([flags]), counterBytes, attested]);
  }
}
