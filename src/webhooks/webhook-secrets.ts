import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { decryptSecret, encryptSecret, keyId } from '../two-factor/utils/secret-cipher.util';

/** Signing secrets: made here, shown once, kept encrypted like TOTP secrets (same cipher, same keys). */
@Injectable()
export class WebhookSecrets {
  private readonly currentKey: Buffer;
  private readonly keysById: Map<string, Buffer>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (!config.encryptionKey) throw new Error('ENCRYPTION_KEY is required to store webhook secrets');
    this.currentKey = Buffer.from(config.encryptionKey, 'base64');
    const previous = config.previousEncryptionKeys.map((key) => Buffer.from(key, 'base64'));
    this.keysById = new Map([this.currentKey, ...previous].map((key) => [keyId(key), key]));
  }

  /** The Standard Webhooks form: whsec_ + base64 of 32 random bytes. */
  generate(): string {
    return `whsec_${randomBytes(32).toString('base64')}`;
  }

  encrypt(secret: string, webhookId: string): string {
    return encryptSecret(secret, this.currentKey, webhookId);
  }

  decrypt(stored: string, webhookId: string): string {
    return decryptSecret(stored, this.keysById, webhookId);
  }
}
