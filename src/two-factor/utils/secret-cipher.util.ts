import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for TOTP secrets at rest. The stored form names the key it was made with, so keys can
 * be rotated (new secrets use the current key; older ones still decrypt with a previous key), and
 * binds the owner's id as associated data, so a ciphertext copied to another row does not decrypt.
 *
 *   v1.<key id>.<iv>.<ciphertext>.<tag>   (base64url parts)
 */
const VERSION = 'v1';

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function encryptSecret(plaintext: string, key: Buffer, ownerId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(ownerId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, keyId(key), iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export class SecretDecryptionError extends Error {
  constructor(reason: string) {
    super(`Cannot decrypt secret: ${reason}`);
  }
}

/** `keys` maps key id to key: the current key and any previous ones. */
export function decryptSecret(stored: string, keys: ReadonlyMap<string, Buffer>, ownerId: string): string {
  const [version, id, iv, ciphertext, tag] = stored.split('.');
  if (version !== VERSION || !tag) throw new SecretDecryptionError('unknown format');
  const key = keys.get(id);
  if (!key) throw new SecretDecryptionError(`key ${id} is not configured`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(ownerId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptionError('authentication failed');
  }
}

/** True when a stored secret was made with another key than `key` (to be re-encrypted). */
export function needsReencryption(stored: string, key: Buffer): boolean {
  return stored.split('.')[1] !== keyId(key);
}

/**
 * Short codes (6 digits from email) have too little entropy for a plain hash: a keyed HMAC means a
 * copy of the database alone does not reveal them. Bound to the owner, like the secrets.
 */
export function hmacCode(code: string, key: Buffer, ownerId: string): Buffer {
  return createHmac('sha256', key).update(`${ownerId}:${code}`).digest();
}
