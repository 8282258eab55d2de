import { Inject, Injectable } from '@nestjs/common';
import { deriveCodeKey } from '../common/code-keys.util';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { decryptSecret, encryptSecret, hmacCode, keyId, needsReencryption } from './utils/secret-cipher.util';

/** Holds the keys from ENCRYPTION_KEY (and ENCRYPTION_KEYS_PREVIOUS) and applies the pure cipher functions. */
@Injectable()
export class TwoFactorCrypto {
  private readonly currentKey: Buffer;
  private readonly keysById: Map<string, Buffer>;
  private readonly codeKey: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (!config.encryptionKey) throw new Error('ENCRYPTION_KEY is required to store TOTP secrets');
    this.currentKey = Buffer.from(config.encryptionKey, 'base64');
    const previous = config.previousEncryptionKeys.map((key) => Buffer.from(key, 'base64'));
    this.keysById = new Map([this.currentKey, ...previous].map((key) => [keyId(key), key]));
    // A key of its own for code HMACs, so the encryption key is used for one purpose only.
    this.codeKey = deriveCodeKey(this.currentKey, 'email-verification-codes');
  }

  encrypt(secret: string, userId: string): string {
    return encryptSecret(secret, this.currentKey, userId);
  }

  decrypt(stored: string, userId: string): string {
    return decryptSecret(stored, this.keysById, userId);
  }

  isStale(stored: string): boolean {
    return needsReencryption(stored, this.currentKey);
  }

  hashEmailCode(code: string, userId: string): Buffer {
    return hmacCode(code, this.codeKey, userId);
  }
}
